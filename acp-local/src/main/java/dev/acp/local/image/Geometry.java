package dev.acp.local.image;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;

/** Shape arithmetic shared by reframing and resizing. */
final class Geometry {
    private Geometry() {}

    static ImageSize reframedSize(int w, int h, double ratio, Fit fit) {
        double current = (double) w / h;
        return switch (fit) {
            case CROP -> current > ratio
                    ? new ImageSize(Math.max(1, (int) Math.round(h * ratio)), h)
                    : new ImageSize(w, Math.max(1, (int) Math.round(w / ratio)));
            case PAD -> current > ratio
                    ? new ImageSize(w, Math.max(1, (int) Math.round(w / ratio)))
                    : new ImageSize(Math.max(1, (int) Math.round(h * ratio)), h);
            case STRETCH -> {
                double area = (double) w * h;
                int nw = Math.max(1, (int) Math.round(Math.sqrt(area * ratio)));
                yield new ImageSize(nw, Math.max(1, (int) Math.round(nw / ratio)));
            }
        };
    }

    /** {@code image} brought to exactly {@code target} by {@code fit}. */
    static BufferedImage fitInto(BufferedImage image, ImageSize target, Fit fit, Background background) {
        int w = image.getWidth();
        int h = image.getHeight();
        int tw = target.width();
        int th = target.height();
        return switch (fit) {
            case STRETCH -> Pixels.resize(image, tw, th);
            case CROP -> {
                ImageSize region = reframedSize(w, h, target.ratio(), Fit.CROP);
                BufferedImage cropped = Pixels.crop(
                        image, (w - region.width()) / 2, (h - region.height()) / 2, region.width(), region.height());
                yield Pixels.resize(cropped, tw, th);
            }
            case PAD -> {
                double scale = Math.min((double) tw / w, (double) th / h);
                int fw = Math.max(1, Math.min(tw, (int) Math.round(w * scale)));
                int fh = Math.max(1, Math.min(th, (int) Math.round(h * scale)));
                BufferedImage canvas = switch (background) {
                    case Background.Blurred b -> blurredCover(image, tw, th);
                    case Background.Solid s -> solid(tw, th, s.rgb());
                };
                Graphics2D g = canvas.createGraphics();
                try {
                    g.drawImage(Pixels.resize(image, fw, fh), (tw - fw) / 2, (th - fh) / 2, null);
                } finally {
                    g.dispose();
                }
                yield canvas;
            }
        };
    }

    private static BufferedImage blurredCover(BufferedImage image, int tw, int th) {
        // Blur a small copy and scale it up: the same look as blurring at full size, a
        // fraction of the work.
        int small = 96;
        double shrink = Math.min(1, (double) small / Math.max(tw, th));
        int sw = Math.max(1, (int) Math.round(tw * shrink));
        int sh = Math.max(1, (int) Math.round(th * shrink));
        BufferedImage cover = fitInto(image, new ImageSize(sw, sh), Fit.CROP, new Background.Blurred());
        BufferedImage blurred = Pixels.adjust(Pixels.blur(cover, Math.max(2, sw / 12)), -0.3, 1, 1);
        return Pixels.resize(blurred, tw, th);
    }

    private static BufferedImage solid(int w, int h, int rgb) {
        BufferedImage canvas = Pixels.blank(w, h);
        java.util.Arrays.fill(Pixels.data(canvas), 0xFF000000 | rgb);
        return canvas;
    }
}
