package dev.acp.content.quality;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The quality of one file.
 *
 * @param file the file scored
 * @param kind image, audio or video
 * @param dimensions every measurement, in a fixed order per kind
 * @param overall the weighted mean of the dimension scores (see {@link QualityDimension#weight()}),
 *     0..1; comparable between files of the same kind only
 */
public record QualityReport(Path file, MediaKind kind, List<QualityDimension> dimensions, double overall) {
    public QualityReport {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(kind, "kind");
        dimensions = List.copyOf(dimensions);
    }

    static QualityReport of(Path file, MediaKind kind, List<QualityDimension> dimensions) {
        return new QualityReport(file, kind, dimensions, QualityDimension.overall(dimensions));
    }

    /** The dimension named {@code name}. */
    public Optional<QualityDimension> dimension(String name) {
        return dimensions.stream().filter(d -> d.name().equals(name)).findFirst();
    }
}
