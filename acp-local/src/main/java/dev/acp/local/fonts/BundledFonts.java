package dev.acp.local.fonts;

import dev.acp.util.AtomicFiles;
import java.awt.Font;
import java.awt.FontFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Liberation Sans Regular, loaded from the jar with {@link Font#createFont} (never looked up among
 * system fonts) and, on request, extracted to a file for programs that need a path.
 *
 * <p>The font is loaded once per instance and shared; {@link Font} objects are immutable, so
 * {@link #regular(float)} is safe from any thread.
 */
public final class BundledFonts {
    /** Class-path location of the bundled font. */
    public static final String REGULAR_RESOURCE = "dev/acp/local/fonts/LiberationSans-Regular.ttf";

    private static final String REGULAR_FILE_NAME = "LiberationSans-Regular.ttf";

    private final Path extractionFolder;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile @Nullable Font regular;
    private volatile @Nullable Path regularFile;

    /**
     * @param extractionFolder where {@link #regularFile()} writes the font file, typically
     *     {@code <acpHome>/tools/fonts}
     */
    public BundledFonts(Path extractionFolder) {
        this.extractionFolder = Objects.requireNonNull(extractionFolder, "extractionFolder");
    }

    /**
     * Liberation Sans Regular at {@code size} points (pixels, in an image without scaling).
     *
     * @throws IllegalStateException if the font is missing from the jar, which is a build defect
     */
    public Font regular(float size) {
        Font base = regular;
        if (base == null) {
            lock.lock();
            try {
                base = regular;
                if (base == null) {
                    base = load();
                    regular = base;
                }
            } finally {
                lock.unlock();
            }
        }
        return base.deriveFont(size);
    }

    /**
     * The font as a file, for ffmpeg's {@code drawtext fontfile=}. Extracted on first call to
     * the folder given at construction, atomically (temporary file, then rename), and replaced
     * when its size differs from the bundled font.
     */
    public Path regularFile() throws IOException {
        Path known = regularFile;
        if (known != null) {
            return known;
        }
        lock.lock();
        try {
            if (regularFile == null) {
                regularFile = extract();
            }
            return Objects.requireNonNull(regularFile);
        } finally {
            lock.unlock();
        }
    }

    private Path extract() throws IOException {
        byte[] bytes = bytes();
        Path target = extractionFolder.resolve(REGULAR_FILE_NAME);
        if (Files.isRegularFile(target) && Files.size(target) == bytes.length) {
            return target;
        }
        Files.createDirectories(extractionFolder);
        Path partial = Files.createTempFile(extractionFolder, REGULAR_FILE_NAME + ".", ".partial");
        try {
            Files.write(partial, bytes);
            AtomicFiles.replace(partial, target);
        } finally {
            Files.deleteIfExists(partial);
        }
        return target;
    }

    private static Font load() {
        try {
            return Font.createFont(Font.TRUETYPE_FONT, new java.io.ByteArrayInputStream(bytes()));
        } catch (FontFormatException | IOException e) {
            throw new IllegalStateException("the bundled font " + REGULAR_RESOURCE + " cannot be loaded", e);
        }
    }

    private static byte[] bytes() {
        try (InputStream in = BundledFonts.class.getClassLoader().getResourceAsStream(REGULAR_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the bundled font " + REGULAR_RESOURCE
                        + " is missing from the class path; rebuild acp-local");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundled font " + REGULAR_RESOURCE, e);
        }
    }
}
