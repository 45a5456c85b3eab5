package dev.acp.util;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Publishing files so that a final name never holds a partial file. */
public final class AtomicFiles {
    private AtomicFiles() {}

    /**
     * Renames {@code source} (a finished temporary file beside {@code target}) to {@code target},
     * replacing it. Atomic where the file system allows; otherwise a plain replacing rename, which
     * on one file system still never exposes a half-written file.
     */
    public static void moveIntoPlace(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
