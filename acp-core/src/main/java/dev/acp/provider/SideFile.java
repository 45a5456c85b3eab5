package dev.acp.provider;

import dev.acp.util.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * A file or folder a provider writes beside a step's main output (the subtitles of a video, the
 * keyframes taken from it). A provider gets one from {@link ProviderRequest#sideFile(String)},
 * writes it completely at {@link #written()}, and lists it in {@link ProviderResult#sideFiles()}.
 * The engine then renames it to {@link #target()} together with the main output, hashes it into
 * the journal and stores it in the artifact cache with the step's result; a cache hit or a resume
 * puts it back. So a final name never holds a partial side file, a failed attempt leaves none
 * behind, and an output never comes back from the cache without its side files.
 *
 * <p>The final name is the main output's base name followed by {@code suffix} ({@code story.mp4}
 * and {@code .srt} give {@code story.srt}): two steps' side files cannot collide unless their
 * outputs do, and a cache hit under another output name gets side files named after it.
 *
 * @param suffix appended to the main output's base name, e.g. {@code .srt} or {@code _keyframes}
 * @param written the temporary name the provider writes to, hidden, beside the final output
 * @param target the final name, beside the step's final output
 */
public record SideFile(String suffix, Path written, Path target) {

    public SideFile {
        Objects.requireNonNull(suffix, "suffix");
        Objects.requireNonNull(written, "written");
        Objects.requireNonNull(target, "target");
    }

    /**
     * The side file with this suffix for a step whose main output is finally named
     * {@code finalOutput} and is written at {@code outputFile} by this attempt.
     *
     * @throws IllegalArgumentException when the suffix could leave the output's folder or name
     *     the main output itself
     */
    public static SideFile of(Path outputFile, Path finalOutput, String suffix) {
        if (suffix.isEmpty() || suffix.contains("/") || suffix.contains("\\") || suffix.contains("\0")) {
            throw new IllegalArgumentException("a side file suffix is a non-empty file name ending without a"
                    + " folder separator, was '" + suffix + "'");
        }
        String stem = stem(finalOutput.getFileName().toString());
        Path target = finalOutput.resolveSibling(stem + suffix);
        if (target.equals(finalOutput)) {
            throw new IllegalArgumentException("side file '" + suffix + "' would replace the main output " + finalOutput);
        }
        // Beside the final output, so that the rename into place stays on one file system.
        return new SideFile(suffix, finalOutput.resolveSibling("." + target.getFileName() + ".side-"
                + attemptTag(outputFile)), target);
    }

    /**
     * The mark in the temporary names of every side file of the attempt writing {@code outputFile}
     * ({@code .<name>.side-<tag>}): the engine deletes what a failed attempt left by it.
     */
    public static String attemptTag(Path outputFile) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest(outputFile.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The main output's name without its extension ({@code story.mp4} gives {@code story}). */
    public static String stem(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot <= 0 ? fileName : fileName.substring(0, dot);
    }

    /** Whether the provider wrote a folder rather than a file. */
    public boolean folder() {
        return Files.isDirectory(written);
    }

    /**
     * Renames {@link #written()} to {@link #target()}, replacing what was there: a file
     * atomically; a folder by moving the old one aside first, so the final name never holds a
     * mix of two sets. Used by the engine, and by tests that call a provider directly.
     */
    public void moveIntoPlace() throws IOException {
        moveIntoPlace(written, target);
    }

    /** Moves a finished file or folder {@code source} (beside {@code target}) to {@code target}. */
    public static void moveIntoPlace(Path source, Path target) throws IOException {
        if (!Files.isDirectory(source) && !Files.isDirectory(target)) {
            AtomicFiles.moveIntoPlace(source, target);
            return;
        }
        Path old = target.resolveSibling("." + target.getFileName() + ".old-" + attemptTag(source));
        deleteTree(old);
        if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.move(target, old);
        }
        AtomicFiles.moveIntoPlace(source, target);
        deleteTree(old);
    }

    /** Deletes a file or a folder with everything in it; nothing when it does not exist. */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isDirectory(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.deleteIfExists(root);
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
