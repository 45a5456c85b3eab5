package dev.acp.local.image;

import java.util.List;
import java.util.Objects;

/**
 * What local analysis finds in an image file.
 *
 * @param width width in pixels
 * @param height height in pixels
 * @param format the file format ({@code png}, {@code jpeg}...)
 * @param fileBytes file size in bytes
 * @param aspectRatio the ratio in lowest terms ({@code 4:3}), or an approximation ({@code ≈16:9})
 * @param orientation {@code landscape}, {@code portrait} or {@code square}
 * @param colours dominant colours, most common first
 * @param statistics brightness, contrast, colourfulness and sharpness
 */
public record ImageFacts(
        int width,
        int height,
        String format,
        long fileBytes,
        String aspectRatio,
        String orientation,
        List<DominantColours.Share> colours,
        ImageStatistics statistics) {
    public ImageFacts {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(aspectRatio, "aspectRatio");
        Objects.requireNonNull(orientation, "orientation");
        colours = List.copyOf(colours);
        Objects.requireNonNull(statistics, "statistics");
    }
}
