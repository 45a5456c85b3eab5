package dev.acp.content.faces;

import java.awt.image.BufferedImage;

/**
 * Fits an image into the model's square input without changing its shape: scaled so that its
 * longer side fills the square, centred, with the rest padded black. MediaPipe does the same
 * ({@code keep_aspect_ratio} with zero borders); stretching instead would make faces narrower or
 * wider than any the model was trained on.
 *
 * <p>The scaling is a separable triangle filter whose width grows with the reduction, the way
 * antialiased bilinear resizers (Pillow's, for example) work: plain bilinear sampling of a photo
 * thirty times larger than the input would alias and lose faces.
 *
 * @param imageWidth width of the original image in pixels
 * @param imageHeight height of the original image in pixels
 * @param size side of the square input in pixels
 * @param contentWidth width of the scaled image inside the square
 * @param contentHeight height of the scaled image inside the square
 * @param left columns of padding before the scaled image
 * @param top rows of padding above the scaled image
 */
record Letterbox(int imageWidth, int imageHeight, int size, int contentWidth, int contentHeight, int left, int top) {

    /** The letterbox of an image of {@code width} x {@code height} in a square of {@code size}. */
    static Letterbox of(int width, int height, int size) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("an image has at least one pixel: " + width + " x " + height);
        }
        double scale = Math.min((double) size / width, (double) size / height);
        int w = Math.clamp(Math.round(width * scale), 1, size);
        int h = Math.clamp(Math.round(height * scale), 1, size);
        return new Letterbox(width, height, size, w, h, (size - w) / 2, (size - h) / 2);
    }

    /**
     * The model's input: {@code size * size * 3} floats in NHWC order (rows, columns, then red,
     * green and blue), each channel scaled from 0..255 to -1..1. Transparent pixels count as black,
     * like the padding.
     */
    float[] tensor(BufferedImage image) {
        if (image.getWidth() != imageWidth || image.getHeight() != imageHeight) {
            throw new IllegalArgumentException("this letterbox is for " + imageWidth + " x " + imageHeight
                    + " images, not " + image.getWidth() + " x " + image.getHeight());
        }
        // Columns first, a row at a time straight from the pixels (a 12-megapixel photo is never
        // copied whole, nor held as floats), then rows of the narrow result.
        Kernel columns = Kernel.of(imageWidth, contentWidth);
        float[] narrow = new float[contentWidth * imageHeight * 3];
        int[] row = new int[imageWidth];
        Rows rows = Rows.of(image);
        for (int y = 0; y < imageHeight; y++) {
            rows.read(y, row);
            for (int o = 0; o < contentWidth; o++) {
                double r = 0;
                double g = 0;
                double b = 0;
                double[] weights = columns.weights[o];
                int first = columns.first[o];
                for (int k = 0; k < weights.length; k++) {
                    int p = row[first + k];
                    // Premultiplied by alpha: transparent is black.
                    double w = weights[k] * (p >>> 24) / 255.0;
                    r += ((p >> 16) & 0xff) * w;
                    g += ((p >> 8) & 0xff) * w;
                    b += (p & 0xff) * w;
                }
                int to = (y * contentWidth + o) * 3;
                narrow[to] = (float) r;
                narrow[to + 1] = (float) g;
                narrow[to + 2] = (float) b;
            }
        }
        Kernel down = Kernel.of(imageHeight, contentHeight);
        float[] input = new float[size * size * 3];
        java.util.Arrays.fill(input, -1f);
        for (int o = 0; o < contentHeight; o++) {
            double[] weights = down.weights[o];
            int first = down.first[o];
            for (int x = 0; x < contentWidth; x++) {
                double r = 0;
                double g = 0;
                double b = 0;
                for (int k = 0; k < weights.length; k++) {
                    int at = ((first + k) * contentWidth + x) * 3;
                    r += narrow[at] * weights[k];
                    g += narrow[at + 1] * weights[k];
                    b += narrow[at + 2] * weights[k];
                }
                int to = ((o + top) * size + x + left) * 3;
                input[to] = (float) (r / 127.5 - 1);
                input[to + 1] = (float) (g / 127.5 - 1);
                input[to + 2] = (float) (b / 127.5 - 1);
            }
        }
        return input;
    }

    /**
     * Reads an image's rows as ARGB ints. The types ImageIO gives for JPEG and PNG files are read
     * from their rasters directly; any other type is drawn a row at a time into an ARGB strip, as
     * Java2D converts it. Never {@link BufferedImage#getRGB}: it converts pixel by pixel through the
     * colour model, which costs more than the model itself, and for grey images it treats the
     * stored (gamma-encoded) values as linear light and brightens them.
     */
    private interface Rows {
        void read(int y, int[] argb);

        static Rows of(BufferedImage image) {
            int width = image.getWidth();
            java.awt.image.WritableRaster raster = image.getRaster();
            return switch (image.getType()) {
                case BufferedImage.TYPE_INT_ARGB -> (y, argb) -> raster.getDataElements(0, y, width, 1, argb);
                case BufferedImage.TYPE_INT_RGB -> (y, argb) -> {
                    raster.getDataElements(0, y, width, 1, argb);
                    for (int x = 0; x < width; x++) {
                        argb[x] |= 0xff000000;
                    }
                };
                case BufferedImage.TYPE_3BYTE_BGR -> {
                    byte[] samples = new byte[width * 3];
                    yield (y, argb) -> {
                        // Data elements come in band order: red, green, blue.
                        raster.getDataElements(0, y, width, 1, samples);
                        for (int x = 0; x < width; x++) {
                            argb[x] = 0xff000000 | (samples[3 * x] & 0xff) << 16 | (samples[3 * x + 1] & 0xff) << 8
                                    | (samples[3 * x + 2] & 0xff);
                        }
                    };
                }
                case BufferedImage.TYPE_BYTE_GRAY -> {
                    byte[] samples = new byte[width];
                    yield (y, argb) -> {
                        raster.getDataElements(0, y, width, 1, samples);
                        for (int x = 0; x < width; x++) {
                            argb[x] = 0xff000000 | (samples[x] & 0xff) * 0x010101;
                        }
                    };
                }
                default -> {
                    BufferedImage strip = new BufferedImage(width, 1, BufferedImage.TYPE_INT_ARGB);
                    yield (y, argb) -> {
                        java.awt.Graphics2D g = strip.createGraphics();
                        try {
                            g.setComposite(java.awt.AlphaComposite.Src);
                            g.drawImage(image, 0, 0, width, 1, 0, y, width, y + 1, null);
                        } finally {
                            g.dispose();
                        }
                        strip.getRaster().getDataElements(0, 0, width, 1, argb);
                    };
                }
            };
        }
    }

    /**
     * The weights that make each of {@code target} samples from {@code source} ones: a triangle
     * one source pixel wide either side when enlarging, one output pixel wide when reducing, so
     * that every source pixel counts. Each output's weights sum to 1.
     */
    private record Kernel(int[] first, double[][] weights) {
        static Kernel of(int source, int target) {
            double scale = (double) source / target;
            double support = Math.max(scale, 1.0);
            int[] first = new int[target];
            double[][] weights = new double[target][];
            for (int o = 0; o < target; o++) {
                double centre = (o + 0.5) * scale;
                int from = Math.max(0, (int) Math.floor(centre - support));
                int to = Math.min(source - 1, (int) Math.ceil(centre + support));
                double[] w = new double[to - from + 1];
                double total = 0;
                for (int s = from; s <= to; s++) {
                    w[s - from] = Math.max(0, 1 - Math.abs((s + 0.5 - centre) / support));
                    total += w[s - from];
                }
                for (int k = 0; k < w.length; k++) {
                    w[k] /= total;
                }
                first[o] = from;
                weights[o] = w;
            }
            return new Kernel(first, weights);
        }
    }

    /** A point given in the model's input, normalised to 0..1, in the original image's pixels. */
    Point toImage(double normalisedX, double normalisedY) {
        return new Point((normalisedX * size - left) * imageWidth / contentWidth,
                (normalisedY * size - top) * imageHeight / contentHeight);
    }
}
