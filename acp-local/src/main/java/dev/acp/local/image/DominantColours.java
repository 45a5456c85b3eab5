package dev.acp.local.image;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The main colours of an image: median cut on a copy reduced to at most 96 pixels on its long
 * side gives starting clusters, a few rounds of k-means refine them, and clusters that are
 * near-identical or share a colour name are merged. Deterministic: no random initialisation.
 */
public final class DominantColours {
    private static final int SAMPLE_SIDE = 96;
    private static final int ITERATIONS = 8;
    private static final double MERGE_DISTANCE = 6;
    private static final double MIN_SHARE = 0.03;

    /**
     * One dominant colour.
     *
     * @param rgb the cluster's mean colour as {@code 0xRRGGBB}
     * @param share the fraction of pixels in the cluster, 0..1
     * @param name the nearest plain-English name (see {@link ColourNames})
     */
    public record Share(int rgb, double share, String name) {
        /** The colour as {@code #RRGGBB}. */
        public String hex() {
            return String.format(Locale.ROOT, "#%06X", rgb & 0xFFFFFF);
        }
    }

    private DominantColours() {}

    /** Up to {@code k} dominant colours, most common first; clusters under 3% (edge blends, specks) are dropped. */
    public static List<Share> of(BufferedImage image, int k) {
        BufferedImage small = ImageStatistics.downsample(ImageFiles.toArgb(image), SAMPLE_SIDE);
        int[] px = Pixels.data(small);
        int n = px.length;
        int[][] points = new int[n][3];
        for (int i = 0; i < n; i++) {
            points[i][0] = (px[i] >> 16) & 0xFF;
            points[i][1] = (px[i] >> 8) & 0xFF;
            points[i][2] = px[i] & 0xFF;
        }
        List<double[]> centres = medianCut(points, k);
        int[] assignment = new int[n];
        for (int iteration = 0; iteration < ITERATIONS; iteration++) {
            assign(points, centres, assignment);
            centres = recentre(points, centres, assignment);
        }
        assign(points, centres, assignment);
        int[] counts = new int[centres.size()];
        for (int a : assignment) {
            counts[a]++;
        }
        List<Share> shares = new ArrayList<>();
        for (int c = 0; c < centres.size(); c++) {
            if (counts[c] == 0) {
                continue;
            }
            int rgb = pack(centres.get(c));
            double share = (double) counts[c] / n;
            Share merged = null;
            for (int s = 0; s < shares.size(); s++) {
                Share other = shares.get(s);
                if (ColourNames.difference(other.rgb(), rgb) < MERGE_DISTANCE) {
                    merged = new Share(other.share() >= share ? other.rgb() : rgb, other.share() + share, "");
                    shares.set(s, merged);
                    break;
                }
            }
            if (merged == null) {
                shares.add(new Share(rgb, share, ""));
            }
        }
        // Clusters a reader could not tell apart by name are reported once, with their shares
        // added and the colour of the larger one.
        java.util.Map<String, Share> byName = new java.util.LinkedHashMap<>();
        for (Share s : shares) {
            String name = ColourNames.nameOf(s.rgb());
            byName.merge(name, new Share(s.rgb(), s.share(), name), (a, b) ->
                    new Share(a.share() >= b.share() ? a.rgb() : b.rgb(), a.share() + b.share(), name));
        }
        return byName.values().stream()
                .filter(s -> s.share() >= MIN_SHARE)
                .sorted(Comparator.comparingDouble(Share::share).reversed().thenComparingInt(Share::rgb))
                .toList();
    }

    private static List<double[]> medianCut(int[][] points, int k) {
        List<int[][]> boxes = new ArrayList<>();
        boxes.add(points);
        while (boxes.size() < k) {
            int widest = -1;
            int widestChannel = 0;
            int widestRange = 0;
            for (int b = 0; b < boxes.size(); b++) {
                int[][] box = boxes.get(b);
                for (int ch = 0; ch < 3; ch++) {
                    int min = 255, max = 0;
                    for (int[] p : box) {
                        min = Math.min(min, p[ch]);
                        max = Math.max(max, p[ch]);
                    }
                    if (max - min > widestRange && box.length > 1) {
                        widestRange = max - min;
                        widest = b;
                        widestChannel = ch;
                    }
                }
            }
            if (widest < 0) {
                break; // every box holds one colour: nothing left to split
            }
            int[][] box = boxes.remove(widest);
            int channel = widestChannel;
            int[][] sorted = box.clone();
            java.util.Arrays.sort(sorted, Comparator.comparingInt((int[] p) -> p[channel]));
            // Split between distinct values so that one colour never straddles two boxes.
            int mid = sorted.length / 2;
            int value = sorted[mid][channel];
            int split = mid;
            while (split > 0 && sorted[split - 1][channel] == value) {
                split--;
            }
            if (split == 0) {
                split = mid;
                while (split < sorted.length && sorted[split][channel] == value) {
                    split++;
                }
            }
            boxes.add(java.util.Arrays.copyOfRange(sorted, 0, split));
            boxes.add(java.util.Arrays.copyOfRange(sorted, split, sorted.length));
        }
        List<double[]> centres = new ArrayList<>();
        for (int[][] box : boxes) {
            double[] c = new double[3];
            for (int[] p : box) {
                c[0] += p[0];
                c[1] += p[1];
                c[2] += p[2];
            }
            for (int ch = 0; ch < 3; ch++) {
                c[ch] /= box.length;
            }
            centres.add(c);
        }
        return centres;
    }

    private static void assign(int[][] points, List<double[]> centres, int[] assignment) {
        for (int i = 0; i < points.length; i++) {
            int best = 0;
            double bestDistance = Double.MAX_VALUE;
            for (int c = 0; c < centres.size(); c++) {
                double[] centre = centres.get(c);
                double d = sq(points[i][0] - centre[0]) + sq(points[i][1] - centre[1]) + sq(points[i][2] - centre[2]);
                if (d < bestDistance) {
                    bestDistance = d;
                    best = c;
                }
            }
            assignment[i] = best;
        }
    }

    private static List<double[]> recentre(int[][] points, List<double[]> centres, int[] assignment) {
        double[][] sums = new double[centres.size()][3];
        int[] counts = new int[centres.size()];
        for (int i = 0; i < points.length; i++) {
            int c = assignment[i];
            counts[c]++;
            for (int ch = 0; ch < 3; ch++) {
                sums[c][ch] += points[i][ch];
            }
        }
        List<double[]> next = new ArrayList<>();
        for (int c = 0; c < centres.size(); c++) {
            if (counts[c] == 0) {
                next.add(centres.get(c)); // an emptied cluster keeps its place
            } else {
                next.add(new double[] {sums[c][0] / counts[c], sums[c][1] / counts[c], sums[c][2] / counts[c]});
            }
        }
        return next;
    }

    private static double sq(double v) {
        return v * v;
    }

    private static int pack(double[] c) {
        return (Pixels.clamp(c[0]) << 16) | (Pixels.clamp(c[1]) << 8) | Pixels.clamp(c[2]);
    }
}
