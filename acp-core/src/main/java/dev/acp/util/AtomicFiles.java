package dev.acp.util;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Publishing files so that a final name never holds a partial file. */
public final class AtomicFiles {
    private AtomicFiles() {}

    /**
     * Puts an output in place: renames {@code source} (a finished temporary file beside
     * {@code target}) to {@code target}, replacing it, after checking that {@code target}'s folder
     * is reached through no symbolic link ({@link SafePaths}); on a link {@code source} is deleted
     * and an {@link IOException} names the link. Output paths are real paths (the planner resolves
     * the output folder), so any link found here appeared after validation. Atomic where the file
     * system allows; otherwise a plain replacing rename, which on one file system still never
     * exposes a half-written file. A link at {@code target} itself is replaced, never followed.
     */
    public static void moveIntoPlace(Path source, Path target) throws IOException {
        SafePaths.checkPlacement(source, target);
        replace(source, target);
    }

    /**
     * Renames {@code source} to {@code target} as {@link #moveIntoPlace} does, without its check:
     * for ACP's own files (the cache, tools, starter projects), whose folders the user chose and
     * may well reach through a link.
     */
    public static void replace(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING,
                    LinkOption.NOFOLLOW_LINKS);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING, LinkOption.NOFOLLOW_LINKS);
        }
    }

    /**
     * Forces {@code file} and the folder entry that names it to disk, so that it survives a power
     * loss: done before a journal record that says a paid output exists. Folders that cannot be
     * opened for syncing (some platforms and file systems) are left to the operating system.
     */
    public static void sync(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
                ch.force(true);
            } catch (IOException | UnsupportedOperationException e) {
                // See above: the file's content is on disk; its name follows with the folder's next sync.
            }
        }
    }
}
