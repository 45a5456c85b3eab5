package dev.acp.local.image;

import java.util.List;

/**
 * Plain-English names for colours: the nearest of a curated list of CSS colours, measured as
 * distance in CIE L*a*b* (so "near" means near to the eye, not in raw RGB).
 */
public final class ColourNames {
    private record Named(String name, int rgb, double[] lab) {}

    private static final List<Named> NAMES = List.of(
            named("black", 0x000000), named("dark grey", 0x404040), named("grey", 0x808080),
            named("silver", 0xC0C0C0), named("white", 0xFFFFFF), named("off-white", 0xF5F5DC),
            named("red", 0xFF0000), named("dark red", 0x8B0000), named("crimson", 0xDC143C),
            named("maroon", 0x800000), named("pink", 0xFFC0CB), named("hot pink", 0xFF69B4),
            named("salmon", 0xFA8072), named("coral", 0xFF7F50), named("orange", 0xFFA500),
            named("dark orange", 0xFF8C00), named("peach", 0xFFDAB9), named("gold", 0xFFD700),
            named("yellow", 0xFFFF00), named("khaki", 0xF0E68C), named("olive", 0x808000),
            named("lime", 0x00FF00), named("light green", 0x90EE90), named("green", 0x008000),
            named("dark green", 0x006400), named("forest green", 0x228B22), named("mint", 0x98FF98),
            named("teal", 0x008080), named("cyan", 0x00FFFF), named("turquoise", 0x40E0D0),
            named("sky blue", 0x87CEEB), named("light blue", 0xADD8E6), named("steel blue", 0x4682B4),
            named("blue", 0x0000FF), named("royal blue", 0x4169E1), named("navy", 0x000080),
            named("midnight blue", 0x191970), named("slate blue", 0x6A5ACD), named("purple", 0x800080),
            named("violet", 0xEE82EE), named("magenta", 0xFF00FF), named("lavender", 0xE6E6FA),
            named("indigo", 0x4B0082), named("brown", 0x8B4513), named("chocolate", 0xD2691E),
            named("tan", 0xD2B48C), named("beige", 0xF5DEB3), named("sand", 0xC2B280),
            named("dark brown", 0x3B2A1A), named("taupe", 0x483C32), named("rust", 0xB7410E),
            named("ochre", 0xCC7722), named("burgundy", 0x800020), named("dark olive", 0x556B2F),
            named("dark slate", 0x2F4F4F), named("charcoal", 0x36454F), named("dark blue", 0x00008B),
            named("dark purple", 0x301934), named("plum", 0x8E4585), named("cream", 0xFFFDD0));

    private ColourNames() {}

    private static Named named(String name, int rgb) {
        return new Named(name, rgb, lab(rgb));
    }

    /** The name of the listed colour nearest to {@code rgb} ({@code 0xRRGGBB}). */
    public static String nameOf(int rgb) {
        double[] lab = lab(rgb);
        Named best = NAMES.getFirst();
        double bestDistance = Double.MAX_VALUE;
        for (Named named : NAMES) {
            double d = distance(lab, named.lab());
            if (d < bestDistance) {
                bestDistance = d;
                best = named;
            }
        }
        return best.name();
    }

    /** CIE76 colour difference between two {@code 0xRRGGBB} colours. */
    public static double difference(int rgb1, int rgb2) {
        return distance(lab(rgb1), lab(rgb2));
    }

    private static double distance(double[] a, double[] b) {
        return Math.sqrt(Math.pow(a[0] - b[0], 2) + Math.pow(a[1] - b[1], 2) + Math.pow(a[2] - b[2], 2));
    }

    /** sRGB (D65) to CIE L*a*b*. */
    static double[] lab(int rgb) {
        double r = linear(((rgb >> 16) & 0xFF) / 255.0);
        double g = linear(((rgb >> 8) & 0xFF) / 255.0);
        double b = linear((rgb & 0xFF) / 255.0);
        double x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
        double y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
        double z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
        double fx = f(x), fy = f(y), fz = f(z);
        return new double[] {116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)};
    }

    private static double linear(double c) {
        return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    }

    private static double f(double t) {
        return t > 216.0 / 24389 ? Math.cbrt(t) : (24389.0 / 27 * t + 16) / 116;
    }
}
