package dev.acp.cache;

import dev.acp.util.Hashing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Content hashes of files, remembered for as long as a file's size and modification time stay
 * the same, so that an input shared by many steps (or an output the engine just hashed) is read
 * once per run.
 */
public final class FileHashes {
    private record Known(long size, long modified, String sha256) {}

    private final Map<Path, Known> known = new ConcurrentHashMap<>();

    public String sha256(Path file) throws IOException {
        Path p = file.toAbsolutePath().normalize();
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        Known k = known.get(p);
        if (k != null && k.size() == a.size() && k.modified() == a.lastModifiedTime().toMillis()) {
            return k.sha256();
        }
        String sha = Hashing.sha256(p);
        known.put(p, new Known(a.size(), a.lastModifiedTime().toMillis(), sha));
        return sha;
    }

    /** Records the hash of a file just written, so that it is not read again. */
    public void remember(Path file, String sha256) throws IOException {
        Path p = file.toAbsolutePath().normalize();
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        known.put(p, new Known(a.size(), a.lastModifiedTime().toMillis(), sha256));
    }
}
