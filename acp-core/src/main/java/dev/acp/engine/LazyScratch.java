package dev.acp.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import org.jspecify.annotations.Nullable;

/** A scratch folder created on first use only, so steps that need none cost no file system calls. */
final class LazyScratch {
    private final String stepId;
    private @Nullable Path dir;

    LazyScratch(String stepId) {
        this.stepId = stepId;
    }

    synchronized Path get() {
        if (dir == null) {
            try {
                dir = Files.createTempDirectory("acp-" + stepId.replaceAll("[^A-Za-z0-9_-]", "_") + "-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a scratch folder", e);
            }
        }
        return dir;
    }

    synchronized void delete() {
        if (dir == null) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // Best effort: a leftover scratch file in the temp folder is harmless.
                }
            });
        } catch (IOException ignored) {
            // As above.
        }
        dir = null;
    }
}
