package dev.acp.cli;

import dev.acp.error.UsageException;
import dev.acp.util.AtomicFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a starter project into a folder, shared by {@code acp init} and {@code acp config create}:
 * refuses to replace existing files unless forced (checked for every file before any is written),
 * writes each under a temporary name and renames it into place, and prints the next steps.
 */
final class StarterProject {
    private StarterProject() {}

    /** Writes {@code files} under {@code directory}; returns the pipeline file's path. */
    static List<Path> write(Path directory, List<StarterTemplate.File> files, boolean force) {
        List<Path> targets = files.stream().map(f -> directory.resolve(f.relativePath()).normalize()).toList();
        if (!force) {
            for (Path t : targets) {
                if (Files.exists(t)) {
                    throw new UsageException(t + " already exists; nothing was written"
                            + " (fix: choose another --directory, or add --force to replace it)");
                }
            }
        }
        try {
            for (int i = 0; i < files.size(); i++) {
                Path target = targets.get(i);
                Files.createDirectories(target.getParent());
                // Not Files.createTempFile: it makes the file 0600, and the rename would keep that. A
                // starter project holds no secret (keys stay in the environment or ACP_HOME/config.yaml),
                // so its files get the user's umask like any file an editor writes.
                Path tmp = target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid()
                        + "." + java.util.concurrent.ThreadLocalRandom.current().nextLong(Long.MAX_VALUE) + ".tmp");
                try {
                    Files.write(tmp, files.get(i).content(), java.nio.file.StandardOpenOption.CREATE_NEW,
                            java.nio.file.StandardOpenOption.WRITE);
                    AtomicFiles.replace(tmp, target);
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
        } catch (IOException e) {
            throw new UsageException("cannot write the project into " + directory + ": " + e.getMessage()
                    + " (fix: check that the folder is writable)", e);
        }
        return targets;
    }

    /** The commands to try next, with paths as the user would type them from where they are. */
    static void printNextSteps(PrintWriter out, Path workingDirectory, Path pipeline) {
        String file = display(workingDirectory, pipeline);
        out.println();
        out.println("Next steps:");
        out.println("  acp config validate " + file + " --offline    check it");
        out.println("  acp pipeline run --config " + file + " --offline    render previews with no keys and no network");
        out.println("  acp doctor    check your provider keys, then run it without --offline for the real thing");
    }

    static String display(Path workingDirectory, Path file) {
        Path rel = file.startsWith(workingDirectory) ? workingDirectory.relativize(file) : file;
        String s = rel.toString();
        return s.contains(" ") ? "'" + s + "'" : s;
    }
}
