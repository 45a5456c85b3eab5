package dev.acp.local.image;

import java.util.Locale;
import java.util.Optional;

/** Image file formats the local providers can write, chosen by the output file's extension. */
public enum ImageFormat {
    PNG("png"),
    JPEG("jpeg"),
    BMP("bmp"),
    /** Written by converting a PNG with ffmpeg's libwebp, since ImageIO has no WebP writer. */
    WEBP("webp");

    private final String wireName;

    ImageFormat(String wireName) {
        this.wireName = wireName;
    }

    /** Lower-case name used in metadata, for example {@code jpeg}. */
    public String wireName() {
        return wireName;
    }

    /** The format for a file extension ({@code jpg} and {@code jpeg} are both JPEG). */
    public static Optional<ImageFormat> fromExtension(String extension) {
        return switch (extension.toLowerCase(Locale.ROOT)) {
            case "png" -> Optional.of(PNG);
            case "jpg", "jpeg" -> Optional.of(JPEG);
            case "bmp" -> Optional.of(BMP);
            case "webp" -> Optional.of(WEBP);
            default -> Optional.empty();
        };
    }

    /** The accepted extensions, for messages. */
    public static String extensions() {
        return ".png, .jpg, .jpeg, .bmp or .webp";
    }
}
