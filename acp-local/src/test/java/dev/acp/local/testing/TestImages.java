package dev.acp.local.testing;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Synthetic images with known content. */
public final class TestImages {
    private TestImages() {}

    public static BufferedImage solid(int w, int h, int rgb) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, 0xFF000000 | rgb);
            }
        }
        return image;
    }

    /** Left half {@code left}, right half {@code right}. */
    public static BufferedImage halves(int w, int h, int left, int right) {
        BufferedImage image = solid(w, h, left);
        for (int y = 0; y < h; y++) {
            for (int x = w / 2; x < w; x++) {
                image.setRGB(x, y, 0xFF000000 | right);
            }
        }
        return image;
    }

    /** A colourful checkerboard with diagonal stripes: high contrast, colour and detail. */
    public static BufferedImage detailed(int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        Color[] colours = {Color.RED, Color.BLUE, Color.YELLOW, Color.GREEN, Color.WHITE, Color.BLACK};
        int cell = Math.max(2, w / 16);
        for (int y = 0; y < h; y += cell) {
            for (int x = 0; x < w; x += cell) {
                g.setColor(colours[((x / cell) + 2 * (y / cell)) % colours.length]);
                g.fillRect(x, y, cell, cell);
            }
        }
        g.dispose();
        return image;
    }

    /** A horizontal gradient from black (left) to white (right), with a red marker in the top-left corner. */
    public static BufferedImage markedGradient(int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = w == 1 ? 0 : Math.round(255f * x / (w - 1));
                image.setRGB(x, y, 0xFF000000 | v << 16 | v << 8 | v);
            }
        }
        for (int y = 0; y < h / 4; y++) {
            for (int x = 0; x < w / 4; x++) {
                image.setRGB(x, y, 0xFFFF0000);
            }
        }
        return image;
    }

    public static Path writePng(BufferedImage image, Path file) {
        try {
            ImageIO.write(image, "png", file.toFile());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static BufferedImage read(Path file) {
        try {
            BufferedImage image = ImageIO.read(file.toFile());
            if (image == null) {
                throw new IOException("not an image: " + file);
            }
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static int red(int argb) {
        return (argb >> 16) & 0xFF;
    }

    public static int green(int argb) {
        return (argb >> 8) & 0xFF;
    }

    public static int blue(int argb) {
        return argb & 0xFF;
    }
}
