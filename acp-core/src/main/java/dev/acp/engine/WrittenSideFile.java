package dev.acp.engine;

import dev.acp.cache.SideObject;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A side file of a step in place under its final name, with its content hash: journaled with the
 * step's output, so that a resume checks it like the output (and restores it from the cache).
 */
public record WrittenSideFile(Path path, SideObject content) {
    public WrittenSideFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(content, "content");
    }
}
