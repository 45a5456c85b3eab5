package dev.acp.local.image;

import java.awt.image.BufferedImage;

/**
 * Measurements of an image, taken on a copy reduced to at most {@value #ANALYSIS_SIDE} pixels on
 * its long side (block averages, so the numbers barely depend on resolution). Transparency is
 * ignored.
 *
 * @param meanLuma mean Rec. 709 luma, 0 (black) to 1 (white)
 * @param contrast RMS contrast: standard deviation of luma, 0 (flat) to 0.5
 * @param colourfulness Hasler and Süsstrunk's colourfulness M on 0..255 channels: 0 for grey,
 *     about 33 "moderately", 59 "highly", 82 and above "extremely" colourful
 * @param sharpness variance of the 4-neighbour Laplacian of luma (0..255): below about 50 looks
 *     soft, several hundred looks crisp
 */
public record ImageStatistics(double meanLuma, double contrast, double colourfulness, double sharpness) {
    static final int ANALYSIS_SIDE = 512;

    /** Measures {@code image}. */
    public static ImageStatistics of(BufferedImage image) {
        BufferedImage small = downsample(ImageFiles.toArgb(image), ANALYSIS_SIDE);
        int w = small.getWidth();
        int h = small.getHeight();
        int[] px = Pixels.data(small);
        int n = px.length;
        double[] luma = new double[n];
        double sum = 0;
        double rgSum = 0, ybSum = 0, rgSq = 0, ybSq = 0;
        for (int i = 0; i < n; i++) {
            int p = px[i];
            int r = (p >> 16) & 0xFF;
            int g = (p >> 8) & 0xFF;
            int b = p & 0xFF;
            luma[i] = Pixels.luma(p);
            sum += luma[i];
            double rg = r - g;
            double yb = 0.5 * (r + g) - b;
            rgSum += rg;
            ybSum += yb;
            rgSq += rg * rg;
            ybSq += yb * yb;
        }
        double mean = sum / n;
        double var = 0;
        for (double l : luma) {
            var += (l - mean) * (l - mean);
        }
        double contrast = Math.sqrt(var / n) / 255;
        double rgMean = rgSum / n;
        double ybMean = ybSum / n;
        double rgStd = Math.sqrt(Math.max(0, rgSq / n - rgMean * rgMean));
        double ybStd = Math.sqrt(Math.max(0, ybSq / n - ybMean * ybMean));
        double colourfulness = Math.hypot(rgStd, ybStd) + 0.3 * Math.hypot(rgMean, ybMean);
        return new ImageStatistics(mean / 255, contrast, colourfulness, laplacianVariance(luma, w, h));
    }

    private static double laplacianVariance(double[] luma, int w, int h) {
        if (w < 3 || h < 3) {
            return 0;
        }
        double sum = 0, sq = 0;
        int count = 0;
        for (int y = 1; y < h - 1; y++) {
            for (int x = 1; x < w - 1; x++) {
                int i = y * w + x;
                double lap = luma[i - 1] + luma[i + 1] + luma[i - w] + luma[i + w] - 4 * luma[i];
                sum += lap;
                sq += lap * lap;
                count++;
            }
        }
        double mean = sum / count;
        return Math.max(0, sq / count - mean * mean);
    }

    /** {@code image} reduced by an integer factor (block averaging) so its long side is at most {@code maxSide}. */
    static BufferedImage downsample(BufferedImage argb, int maxSide) {
        int w = argb.getWidth();
        int h = argb.getHeight();
        int factor = (int) Math.ceil(Math.max(w, h) / (double) maxSide);
        if (factor <= 1) {
            return argb;
        }
        int ow = Math.max(1, w / factor);
        int oh = Math.max(1, h / factor);
        int[] src = Pixels.data(argb);
        BufferedImage out = Pixels.blank(ow, oh);
        int[] dst = Pixels.data(out);
        int area = factor * factor;
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
                int a = 0, r = 0, g = 0, b = 0;
                for (int dy = 0; dy < factor; dy++) {
                    int row = (oy * factor + dy) * w + ox * factor;
                    for (int dx = 0; dx < factor; dx++) {
                        int p = src[row + dx];
                        a += p >>> 24;
                        r += (p >> 16) & 0xFF;
                        g += (p >> 8) & 0xFF;
                        b += p & 0xFF;
                    }
                }
                dst[oy * ow + ox] = Pixels.argb(a / area, r / area, g / area, b / area);
            }
        }
        return out;
    }
}
