package dev.acp.cache;

import dev.acp.util.Hashing;
import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * A fingerprint of a folder's contents for cache keys: every file's relative name, size and
 * modification time, not its bytes. A vector index of hundreds of megabytes is fingerprinted in
 * a moment, and any change to it (the index writes new files and bumps their times) changes the key.
 */
final class FolderListing {
    /** Deeper folders are not looked into: an index is flat or two levels deep. */
    private static final int MAX_DEPTH = 4;

    private FolderListing() {}

    static String sha256(Path folder) throws IOException {
        List<String> lines = new ArrayList<>();
        Files.walkFileTree(folder, EnumSet.noneOf(FileVisitOption.class), MAX_DEPTH,
                new java.nio.file.SimpleFileVisitor<>() {
                    @Override
                    public java.nio.file.FileVisitResult visitFile(Path file, BasicFileAttributes a) {
                        lines.add(folder.relativize(file) + "\t" + a.size() + "\t" + a.lastModifiedTime().toMillis());
                        return java.nio.file.FileVisitResult.CONTINUE;
                    }
                });
        lines.sort(null);
        return Hashing.sha256(String.join("\n", lines));
    }
}
