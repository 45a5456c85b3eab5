package dev.acp.local.image;

import java.util.Locale;
import java.util.Optional;

/** How an image is brought to a different shape. */
public enum Fit {
    /** Scale to cover the target and cut off what overhangs, keeping the centre. */
    CROP,
    /** Scale to fit inside the target and fill the rest with a {@link Background}. */
    PAD,
    /** Scale each side independently; distorts when the shapes differ. */
    STRETCH;

    public static Optional<Fit> parse(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "crop", "cover", "fill" -> Optional.of(CROP);
            case "pad", "contain", "letterbox" -> Optional.of(PAD);
            case "stretch", "scale" -> Optional.of(STRETCH);
            default -> Optional.empty();
        };
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
