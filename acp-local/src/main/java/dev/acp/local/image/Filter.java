package dev.acp.local.image;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The pixel filters of image-to-image, applied in the order a step lists them. */
public enum Filter {
    GRAYSCALE,
    SEPIA,
    BLUR,
    SHARPEN,
    INVERT,
    EDGE,
    POSTERIZE,
    VIGNETTE;

    /** The filter called {@code name}; accepts {@code greyscale}/{@code gray} and {@code edges}. */
    public static Optional<Filter> parse(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT).replace('-', '_');
        return switch (n) {
            case "greyscale", "gray", "grey", "grayscale", "black_and_white", "bw" -> Optional.of(GRAYSCALE);
            case "edges", "edge", "edge_detect" -> Optional.of(EDGE);
            default -> Arrays.stream(values()).filter(f -> f.wireName().equals(n)).findFirst();
        };
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** All filter names, for messages. */
    public static String names() {
        return Arrays.stream(values()).map(Filter::wireName).collect(Collectors.joining(", "));
    }
}
