package dev.acp.local.image;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** What fills the empty area when an image is padded. */
public sealed interface Background permits Background.Blurred, Background.Solid {

    /** A blurred, darkened copy of the image itself, scaled to cover the frame. */
    record Blurred() implements Background {}

    /**
     * One colour.
     *
     * @param rgb the colour as {@code 0xRRGGBB}
     */
    record Solid(int rgb) implements Background {}

    /** Parses {@code blur}, a colour name ({@code black}, {@code white}, {@code grey}) or {@code #RGB}/{@code #RRGGBB}. */
    static Optional<Background> parse(String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        if (value.equals("blur") || value.equals("blurred")) {
            return Optional.of(new Blurred());
        }
        Integer named = Map.of("black", 0x000000, "white", 0xFFFFFF, "grey", 0x808080, "gray", 0x808080)
                .get(value);
        if (named != null) {
            return Optional.of(new Solid(named));
        }
        if (value.matches("#[0-9a-f]{6}")) {
            return Optional.of(new Solid(Integer.parseInt(value.substring(1), 16)));
        }
        if (value.matches("#[0-9a-f]{3}")) {
            int r = Character.digit(value.charAt(1), 16);
            int g = Character.digit(value.charAt(2), 16);
            int b = Character.digit(value.charAt(3), 16);
            return Optional.of(new Solid((r * 17) << 16 | (g * 17) << 8 | (b * 17)));
        }
        return Optional.empty();
    }
}
