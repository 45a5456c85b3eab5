package dev.acp.local.image;

import java.awt.image.BufferedImage;
import java.util.Objects;

/**
 * An image read from a file.
 *
 * @param image the pixels as {@link BufferedImage#TYPE_INT_ARGB}
 * @param format the file's format as its reader names it, lower case ({@code png}, {@code jpeg},
 *     {@code webp}...)
 */
public record LoadedImage(BufferedImage image, String format) {
    public LoadedImage {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(format, "format");
    }
}
