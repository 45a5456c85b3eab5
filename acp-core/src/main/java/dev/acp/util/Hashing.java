package dev.acp.util;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of files and text, as lower-case hex. */
public final class Hashing {
    private Hashing() {}

    public static String sha256(Path file) throws IOException {
        MessageDigest md = digest();
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Copies {@code source} to {@code target} (replacing it) and returns the SHA-256 of what was copied. */
    public static String copy(Path source, Path target) throws IOException {
        MessageDigest md = digest();
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(source);
                OutputStream out = Files.newOutputStream(target)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
                out.write(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * The manifest of a folder: one line {@code <sha256> <relative path>} per regular file, with
     * {@code /} separators, sorted by path. Its hash is the folder's content hash; the cache
     * stores it as an object, so a folder is restored from that hash alone.
     */
    public static String manifest(Path folder) throws IOException {
        java.util.TreeMap<String, String> files = new java.util.TreeMap<>();
        try (java.util.stream.Stream<Path> walk = Files.walk(folder)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                String rel = folder.relativize(p).toString().replace(java.io.File.separatorChar, '/');
                files.put(rel, sha256(p));
            }
        }
        StringBuilder out = new StringBuilder();
        files.forEach((rel, sha) -> out.append(sha).append(' ').append(rel).append('\n'));
        return out.toString();
    }

    /** The content hash of a file, or of a folder's {@link #manifest}. */
    public static String sha256OfFileOrFolder(Path path) throws IOException {
        return Files.isDirectory(path) ? sha256(manifest(path)) : sha256(path);
    }

    public static String sha256(String text) {
        return HexFormat.of().formatHex(digest().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** A fresh SHA-256 digest, for hashing bytes as they are written; hex-encode its result. */
    public static MessageDigest newSha256() {
        return digest();
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
