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
 * @param shadowClipping share of pixels with luma below {@value #SHADOW_LUMA} of 255: crushed
 *     blacks that hold no detail
 * @param highlightClipping share of pixels with luma above {@value #HIGHLIGHT_LUMA} of 255: blown
 *     highlights
 * @param noise standard deviation of the noise in luma (0..255), by Immerkaer's method (the
 *     absolute response of a mask that cancels planes and ramps, scaled to a sigma) over the 90%
 *     of pixels with the weakest Sobel gradient, so edges and texture are not taken for noise
 *     (the edge exclusion of Tai and Yang): below 1 looks clean, 5 visibly grainy
 */
public record ImageStatistics(
        double meanLuma,
        double contrast,
        double colourfulness,
        double sharpness,
        double shadowClipping,
        double highlightClipping,
        double noise) {
    static final int ANALYSIS_SIDE = 512;
    /** Luma (0..255) below which a pixel counts as a clipped shadow. */
    public static final double SHADOW_LUMA = 4;
    /** Luma (0..255) above which a pixel counts as a clipped highlight. */
    public static final double HIGHLIGHT_LUMA = 251;
    /** Share of the smoothest pixels the noise is estimated on. */
    private static final double NOISE_PIXEL_SHARE = 0.9;

    /** Measures {@code image}. */
    public static ImageStatistics of(BufferedImage image) {
        BufferedImage small = downsample(ImageFiles.toArgb(image), ANALYSIS_SIDE);
        int w = small.getWidth();
        int h = small.getHeight();
        int[] px = Pixels.data(small);
        int n = px.length;
        double[] luma = new double[n];
        double sum = 0;
        int shadows = 0, highlights = 0;
        double rgSum = 0, ybSum = 0, rgSq = 0, ybSq = 0;
        for (int i = 0; i < n; i++) {
            int p = px[i];
            int r = (p >> 16) & 0xFF;
            int g = (p >> 8) & 0xFF;
            int b = p & 0xFF;
            luma[i] = Pixels.luma(p);
            sum += luma[i];
            if (luma[i] < SHADOW_LUMA) {
                shadows++;
            } else if (luma[i] > HIGHLIGHT_LUMA) {
                highlights++;
            }
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
        return new ImageStatistics(mean / 255, contrast, colourfulness, laplacianVariance(luma, w, h),
                (double) shadows / n, (double) highlights / n, noise(luma, w, h));
    }

    /**
     * Immerkaer's fast noise variance estimation (1996): the mask [1 -2 1; -2 4 -2; 1 -2 1] is
     * the difference of two Laplacians, zero on planes and ramps, and for Gaussian noise of
     * deviation sigma its absolute response averages sigma * 6 * sqrt(2 / pi). Only pixels whose
     * Sobel gradient is below the 90th percentile are summed, so real edges do not read as noise.
     */
    private static double noise(double[] luma, int w, int h) {
        if (w < 3 || h < 3) {
            return 0;
        }
        int inner = (w - 2) * (h - 2);
        double[] response = new double[inner];
        double[] gradient = new double[inner];
        int k = 0;
        for (int y = 1; y < h - 1; y++) {
            for (int x = 1; x < w - 1; x++) {
                int i = y * w + x;
                double nw = luma[i - w - 1], n = luma[i - w], ne = luma[i - w + 1];
                double west = luma[i - 1], c = luma[i], east = luma[i + 1];
                double sw = luma[i + w - 1], s = luma[i + w], se = luma[i + w + 1];
                response[k] = Math.abs(nw + ne + sw + se - 2 * (n + west + east + s) + 4 * c);
                double gx = (ne + 2 * east + se) - (nw + 2 * west + sw);
                double gy = (sw + 2 * s + se) - (nw + 2 * n + ne);
                gradient[k] = Math.abs(gx) + Math.abs(gy);
                k++;
            }
        }
        double[] sorted = gradient.clone();
        java.util.Arrays.sort(sorted);
        double limit = sorted[Math.min(inner - 1, (int) (inner * NOISE_PIXEL_SHARE))];
        double sum = 0;
        int count = 0;
        for (int j = 0; j < inner; j++) {
            // "<=" keeps every pixel of a flat image (all gradients 0), which has no noise.
            if (gradient[j] <= limit) {
                sum += response[j];
                count++;
            }
        }
        return Math.sqrt(Math.PI / 2) * sum / (6.0 * count);
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
