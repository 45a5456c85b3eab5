package dev.acp.local.image;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;

/**
 * Pixel algorithms on {@link BufferedImage#TYPE_INT_ARGB} images. Each returns a new image and
 * leaves its input untouched. Written on plain int arrays: predictable, fast enough for
 * megapixel images, and identical on every machine.
 */
final class Pixels {
    private Pixels() {}

    static int[] data(BufferedImage argb) {
        if (argb.getType() != BufferedImage.TYPE_INT_ARGB) {
            throw new IllegalArgumentException("expected an ARGB image");
        }
        return ((DataBufferInt) argb.getRaster().getDataBuffer()).getData();
    }

    static BufferedImage blank(int width, int height) {
        return new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
    }

    static int clamp(double v) {
        return v <= 0 ? 0 : v >= 255 ? 255 : (int) Math.round(v);
    }

    static int argb(int a, int r, int g, int b) {
        return (a << 24) | (r << 16) | (g << 8) | b;
    }

    /** Rec. 709 luma of a packed pixel, 0..255. */
    static double luma(int p) {
        return 0.2126 * ((p >> 16) & 0xFF) + 0.7152 * ((p >> 8) & 0xFF) + 0.0722 * (p & 0xFF);
    }

    /** {@code source} scaled to {@code width x height} with bicubic filtering, halving first for big reductions. */
    static BufferedImage resize(BufferedImage source, int width, int height) {
        BufferedImage current = source;
        // Bicubic sampling skips pixels when shrinking more than 2x; halve in steps to keep detail
        // without aliasing.
        while (current.getWidth() / 2 >= width && current.getHeight() / 2 >= height) {
            current = draw(current, current.getWidth() / 2, current.getHeight() / 2, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        }
        if (current.getWidth() == width && current.getHeight() == height) {
            return current == source ? copy(source) : current;
        }
        return draw(current, width, height, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
    }

    private static BufferedImage draw(BufferedImage source, int width, int height, Object interpolation) {
        BufferedImage out = blank(width, height);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, interpolation);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(source, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    static BufferedImage copy(BufferedImage source) {
        BufferedImage out = blank(source.getWidth(), source.getHeight());
        System.arraycopy(data(source), 0, data(out), 0, data(source).length);
        return out;
    }

    static BufferedImage crop(BufferedImage source, int x, int y, int width, int height) {
        BufferedImage out = blank(width, height);
        int[] src = data(source);
        int[] dst = data(out);
        for (int row = 0; row < height; row++) {
            System.arraycopy(src, (y + row) * source.getWidth() + x, dst, row * width, width);
        }
        return out;
    }

    /** Rotates clockwise by a multiple of 90 degrees. */
    static BufferedImage rotate(BufferedImage source, int degrees) {
        int w = source.getWidth();
        int h = source.getHeight();
        int turns = Math.floorMod(degrees / 90, 4);
        if (turns == 0) {
            return copy(source);
        }
        boolean swap = turns % 2 == 1;
        BufferedImage out = blank(swap ? h : w, swap ? w : h);
        int[] src = data(source);
        int[] dst = data(out);
        int ow = out.getWidth();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = src[y * w + x];
                switch (turns) {
                    case 1 -> dst[x * ow + (h - 1 - y)] = p;
                    case 2 -> dst[(h - 1 - y) * ow + (w - 1 - x)] = p;
                    default -> dst[(w - 1 - x) * ow + y] = p;
                }
            }
        }
        return out;
    }

    static BufferedImage flip(BufferedImage source, boolean horizontal) {
        int w = source.getWidth();
        int h = source.getHeight();
        BufferedImage out = blank(w, h);
        int[] src = data(source);
        int[] dst = data(out);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int sx = horizontal ? w - 1 - x : x;
                int sy = horizontal ? y : h - 1 - y;
                dst[y * w + x] = src[sy * w + sx];
            }
        }
        return out;
    }

    /**
     * Brightness in [-1, 1] moves each channel toward white (positive) or black (negative);
     * contrast in [0, 3] scales the distance from mid-grey; saturation in [0, 3] scales the
     * distance from the pixel's luma (0 is greyscale).
     */
    static BufferedImage adjust(BufferedImage source, double brightness, double contrast, double saturation) {
        int[] src = data(source);
        BufferedImage out = blank(source.getWidth(), source.getHeight());
        int[] dst = data(out);
        for (int i = 0; i < src.length; i++) {
            int p = src[i];
            double r = (p >> 16) & 0xFF;
            double g = (p >> 8) & 0xFF;
            double b = p & 0xFF;
            double l = 0.2126 * r + 0.7152 * g + 0.0722 * b;
            r = l + (r - l) * saturation;
            g = l + (g - l) * saturation;
            b = l + (b - l) * saturation;
            r = (r - 128) * contrast + 128;
            g = (g - 128) * contrast + 128;
            b = (b - 128) * contrast + 128;
            if (brightness >= 0) {
                r += (255 - r) * brightness;
                g += (255 - g) * brightness;
                b += (255 - b) * brightness;
            } else {
                r *= 1 + brightness;
                g *= 1 + brightness;
                b *= 1 + brightness;
            }
            dst[i] = argb(p >>> 24, clamp(r), clamp(g), clamp(b));
        }
        return out;
    }

    static BufferedImage grayscale(BufferedImage source) {
        return map(source, p -> {
            int l = clamp(luma(p));
            return argb(p >>> 24, l, l, l);
        });
    }

    static BufferedImage sepia(BufferedImage source) {
        return map(source, p -> {
            int r = (p >> 16) & 0xFF;
            int g = (p >> 8) & 0xFF;
            int b = p & 0xFF;
            return argb(
                    p >>> 24,
                    clamp(0.393 * r + 0.769 * g + 0.189 * b),
                    clamp(0.349 * r + 0.686 * g + 0.168 * b),
                    clamp(0.272 * r + 0.534 * g + 0.131 * b));
        });
    }

    static BufferedImage invert(BufferedImage source) {
        return map(source, p -> (p & 0xFF000000) | (~p & 0x00FFFFFF));
    }

    static BufferedImage posterize(BufferedImage source, int levels) {
        double step = 255.0 / (levels - 1);
        return map(source, p -> argb(
                p >>> 24,
                clamp(Math.round(((p >> 16) & 0xFF) / step) * step),
                clamp(Math.round(((p >> 8) & 0xFF) / step) * step),
                clamp(Math.round((p & 0xFF) / step) * step)));
    }

    /** Darkens towards the corners: full brightness inside 35% of the half-diagonal, 60% darker at the corners. */
    static BufferedImage vignette(BufferedImage source) {
        int w = source.getWidth();
        int h = source.getHeight();
        int[] src = data(source);
        BufferedImage out = blank(w, h);
        int[] dst = data(out);
        double cx = (w - 1) / 2.0;
        double cy = (h - 1) / 2.0;
        double max = Math.hypot(cx, cy);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double d = max == 0 ? 0 : Math.hypot(x - cx, y - cy) / max;
                double t = Math.min(1, Math.max(0, (d - 0.35) / 0.65));
                double factor = 1 - 0.6 * t * t * (3 - 2 * t);
                int p = src[y * w + x];
                dst[y * w + x] = argb(
                        p >>> 24,
                        clamp(((p >> 16) & 0xFF) * factor),
                        clamp(((p >> 8) & 0xFF) * factor),
                        clamp((p & 0xFF) * factor));
            }
        }
        return out;
    }

    /** Approximates a Gaussian blur of about {@code radius} pixels with three box blurs. */
    static BufferedImage blur(BufferedImage source, int radius) {
        int w = source.getWidth();
        int h = source.getHeight();
        int[] a = data(copy(source));
        int[] b = new int[a.length];
        int r = Math.max(1, radius / 2);
        for (int pass = 0; pass < 3; pass++) {
            boxHorizontal(a, b, w, h, r);
            boxVertical(b, a, w, h, r);
        }
        BufferedImage out = blank(w, h);
        System.arraycopy(a, 0, data(out), 0, a.length);
        return out;
    }

    private static void boxHorizontal(int[] src, int[] dst, int w, int h, int r) {
        int window = 2 * r + 1;
        for (int y = 0; y < h; y++) {
            int row = y * w;
            long sa = 0, sr = 0, sg = 0, sb = 0;
            for (int k = -r; k <= r; k++) {
                int p = src[row + Math.min(w - 1, Math.max(0, k))];
                sa += p >>> 24; sr += (p >> 16) & 0xFF; sg += (p >> 8) & 0xFF; sb += p & 0xFF;
            }
            for (int x = 0; x < w; x++) {
                dst[row + x] = argb((int) (sa / window), (int) (sr / window), (int) (sg / window), (int) (sb / window));
                int out = src[row + Math.max(0, x - r)];
                int in = src[row + Math.min(w - 1, x + r + 1)];
                sa += (in >>> 24) - (out >>> 24);
                sr += ((in >> 16) & 0xFF) - ((out >> 16) & 0xFF);
                sg += ((in >> 8) & 0xFF) - ((out >> 8) & 0xFF);
                sb += (in & 0xFF) - (out & 0xFF);
            }
        }
    }

    private static void boxVertical(int[] src, int[] dst, int w, int h, int r) {
        int window = 2 * r + 1;
        for (int x = 0; x < w; x++) {
            long sa = 0, sr = 0, sg = 0, sb = 0;
            for (int k = -r; k <= r; k++) {
                int p = src[Math.min(h - 1, Math.max(0, k)) * w + x];
                sa += p >>> 24; sr += (p >> 16) & 0xFF; sg += (p >> 8) & 0xFF; sb += p & 0xFF;
            }
            for (int y = 0; y < h; y++) {
                dst[y * w + x] = argb((int) (sa / window), (int) (sr / window), (int) (sg / window), (int) (sb / window));
                int out = src[Math.max(0, y - r) * w + x];
                int in = src[Math.min(h - 1, y + r + 1) * w + x];
                sa += (in >>> 24) - (out >>> 24);
                sr += ((in >> 16) & 0xFF) - ((out >> 16) & 0xFF);
                sg += ((in >> 8) & 0xFF) - ((out >> 8) & 0xFF);
                sb += (in & 0xFF) - (out & 0xFF);
            }
        }
    }

    /** Unsharp mask: adds {@code amount} times the difference between the image and a slight blur of it. */
    static BufferedImage sharpen(BufferedImage source, double amount) {
        int[] src = data(source);
        int[] soft = data(blur(source, 2));
        BufferedImage out = blank(source.getWidth(), source.getHeight());
        int[] dst = data(out);
        for (int i = 0; i < src.length; i++) {
            int p = src[i];
            int q = soft[i];
            dst[i] = argb(
                    p >>> 24,
                    clamp(((p >> 16) & 0xFF) + amount * (((p >> 16) & 0xFF) - ((q >> 16) & 0xFF))),
                    clamp(((p >> 8) & 0xFF) + amount * (((p >> 8) & 0xFF) - ((q >> 8) & 0xFF))),
                    clamp((p & 0xFF) + amount * ((p & 0xFF) - (q & 0xFF))));
        }
        return out;
    }

    /** Sobel gradient magnitude of the luma: white edges on black. */
    static BufferedImage edges(BufferedImage source) {
        int w = source.getWidth();
        int h = source.getHeight();
        int[] src = data(source);
        double[] l = new double[src.length];
        for (int i = 0; i < src.length; i++) {
            l[i] = luma(src[i]);
        }
        BufferedImage out = blank(w, h);
        int[] dst = data(out);
        for (int y = 0; y < h; y++) {
            int ym = Math.max(0, y - 1) * w;
            int y0 = y * w;
            int yp = Math.min(h - 1, y + 1) * w;
            for (int x = 0; x < w; x++) {
                int xm = Math.max(0, x - 1);
                int xp = Math.min(w - 1, x + 1);
                double gx = (l[ym + xp] + 2 * l[y0 + xp] + l[yp + xp]) - (l[ym + xm] + 2 * l[y0 + xm] + l[yp + xm]);
                double gy = (l[yp + xm] + 2 * l[yp + x] + l[yp + xp]) - (l[ym + xm] + 2 * l[ym + x] + l[ym + xp]);
                int v = clamp(Math.hypot(gx, gy) / 4);
                dst[y0 + x] = argb(src[y0 + x] >>> 24, v, v, v);
            }
        }
        return out;
    }

    private static BufferedImage map(BufferedImage source, java.util.function.IntUnaryOperator f) {
        int[] src = data(source);
        BufferedImage out = blank(source.getWidth(), source.getHeight());
        int[] dst = data(out);
        for (int i = 0; i < src.length; i++) {
            dst[i] = f.applyAsInt(src[i]);
        }
        return out;
    }
}
