package dev.acp.plan;

import dev.acp.util.SafePaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where a pipeline's files may go (issue 18): not into the file system's root, the user's home
 * or ACP's state folder, and never through a symbolic link inside the output folder. Messages
 * only; the planner places them.
 */
final class OutputFolders {
    private OutputFolders() {}

    /** A problem with its fix. */
    record Finding(String message, String fix) {}

    /**
     * Problems of the output folder itself.
     *
     * @param resolved the folder, absolute and normalised, links not resolved
     * @param workingDirectory the folder a relative output_directory starts from; links below
     *     it, on the way to the output folder, are refused as well
     * @param homes the user's home folder as Java and the environment see it
     */
    static Optional<Finding> checkRoot(Path resolved, Path workingDirectory, List<Path> homes, Path acpHome) {
        Path real = SafePaths.real(resolved);
        String fix = "name a folder of its own, for example 'output_directory: output'";
        if (real.getParent() == null) {
            return Optional.of(new Finding("output_directory is the root of the file system (" + resolved
                    + "); outputs and run.json would be written there", fix));
        }
        for (Path home : homes) {
            if (real.equals(SafePaths.real(home))) {
                return Optional.of(new Finding("output_directory is your home folder (" + resolved
                        + "); outputs and run.json would be written among your own files", fix));
            }
        }
        Path state = SafePaths.real(acpHome);
        if (real.startsWith(state)) {
            return Optional.of(new Finding("output_directory " + (real.equals(state) ? "is" : "is inside")
                    + " ACP's state folder (ACP_HOME, " + acpHome + "), where runs, the cache and config.yaml live",
                    fix));
        }
        Path cwd = workingDirectory.toAbsolutePath().normalize();
        Optional<Path> link = resolved.startsWith(cwd) ? SafePaths.firstLinkBelow(cwd, resolved)
                : Files.isSymbolicLink(resolved) ? Optional.of(resolved) : Optional.empty();
        return link.map(l -> new Finding("output_directory goes through " + l + ", a symbolic link (to "
                + SafePaths.linkTarget(l) + "); outputs are never written through a link",
                "name the folder itself: " + real));
    }
}
