package dev.acp.content.quality;

import dev.acp.env.Environment;
import dev.acp.local.media.Ffmpeg;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntUnaryOperator;
import javax.imageio.ImageIO;

/** Generated test media: pictures drawn in Java, sound and video from ffmpeg's lavfi sources. */
final class TestMedia {
    private TestMedia() {}

    /** The bundled ffmpeg, extracted once per machine into the state folder all tests share. */
    static Ffmpeg ffmpeg() {
        return Ffmpeg.locate(Environment.of(Map.of("PATH", "")),
                Path.of(System.getProperty("java.io.tmpdir"), "acp-test-home"));
    }

    /** Runs ffmpeg on lavfi inputs, writing {@code out}. */
    static Path generate(Ffmpeg ffmpeg, Path out, String... arguments) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of(arguments));
        args.add(out.toString());
        ffmpeg.run("generating " + out.getFileName(), args);
        return out;
    }

    /** A well-exposed, colourful scene with hard edges, fine lines and smooth gradients. */
    static BufferedImage scene(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setPaint(new GradientPaint(0, 0, new Color(70, 130, 200), 0, h, new Color(230, 200, 150)));
        g.fillRect(0, 0, w, h);
        Random r = new Random(7);
        for (int i = 0; i < 40; i++) {
            g.setColor(Color.getHSBColor(r.nextFloat(), 0.5f + 0.5f * r.nextFloat(), 0.35f + 0.55f * r.nextFloat()));
            int x = r.nextInt(w), y = r.nextInt(h), s = 10 + r.nextInt(w / 5);
            if (i % 2 == 0) {
                g.fillRect(x, y, s, s / 2 + 5);
            } else {
                g.fillOval(x, y, s, s);
            }
        }
        g.setStroke(new BasicStroke(1));
        g.setColor(new Color(30, 30, 30));
        for (int x = w / 10; x < w * 9 / 10; x += 4) {
            g.drawLine(x, h * 2 / 3, x + 10, h * 9 / 10);
        }
        g.dispose();
        return img;
    }

    static BufferedImage blurred(BufferedImage src, int radius) {
        BufferedImage out = src;
        for (int pass = 0; pass < 2; pass++) {
            out = boxBlur(out, radius);
        }
        return out;
    }

    private static BufferedImage boxBlur(BufferedImage src, int radius) {
        int side = 2 * radius + 1;
        float[] weights = new float[side * side];
        java.util.Arrays.fill(weights, 1f / weights.length);
        BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_ARGB);
        return new java.awt.image.ConvolveOp(new java.awt.image.Kernel(side, side, weights),
                java.awt.image.ConvolveOp.EDGE_NO_OP, null).filter(src, out);
    }

    /** Every channel mapped through {@code f} (clamped to 0..255). */
    static BufferedImage channels(BufferedImage src, IntUnaryOperator f) {
        BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < src.getHeight(); y++) {
            for (int x = 0; x < src.getWidth(); x++) {
                int p = src.getRGB(x, y);
                int r = clamp(f.applyAsInt((p >> 16) & 0xFF));
                int g = clamp(f.applyAsInt((p >> 8) & 0xFF));
                int b = clamp(f.applyAsInt(p & 0xFF));
                out.setRGB(x, y, 0xFF000000 | r << 16 | g << 8 | b);
            }
        }
        return out;
    }

    /** Gaussian noise of deviation {@code sigma} added to every channel independently. */
    static BufferedImage noisy(BufferedImage src, double sigma, long seed) {
        Random random = new Random(seed);
        return channels(src, v -> (int) Math.round(v + sigma * random.nextGaussian()));
    }

    static BufferedImage grey(BufferedImage src) {
        BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < src.getHeight(); y++) {
            for (int x = 0; x < src.getWidth(); x++) {
                int p = src.getRGB(x, y);
                int l = clamp((int) Math.round(0.2126 * ((p >> 16) & 0xFF) + 0.7152 * ((p >> 8) & 0xFF)
                        + 0.0722 * (p & 0xFF)));
                out.setRGB(x, y, 0xFF000000 | l << 16 | l << 8 | l);
            }
        }
        return out;
    }

    static Path png(BufferedImage image, Path file) throws IOException {
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }
}
