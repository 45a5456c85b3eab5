package dev.acp.util;

import java.util.Collection;
import java.util.Optional;

/** "Did you mean" suggestions for misspelt names, by edit distance. */
public final class Suggestions {
    private Suggestions() {}

    /**
     * The candidate closest to {@code input} if it is close enough to be a plausible typo: a
     * prefix of it (or it of the input), or at most 2 edits, or a third of the longer name.
     */
    public static Optional<String> nearest(String input, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String lower = input.toLowerCase(java.util.Locale.ROOT);
        for (String c : candidates) {
            // The distance is at least the difference in length; skip candidates that cannot qualify.
            int allowedForC = Math.max(2, Math.max(input.length(), c.length()) / 3);
            if (Math.abs(c.length() - input.length()) > allowedForC) {
                continue;
            }
            int d = distance(lower, c.toLowerCase(java.util.Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        if (lower.length() >= 4) {
            // A shortened name ("output_dir" for "output_directory") is a typo too.
            for (String c : candidates) {
                String lc = c.toLowerCase(java.util.Locale.ROOT);
                if (lc.startsWith(lower) || lower.startsWith(lc) && lc.length() >= 4) {
                    return Optional.of(c);
                }
            }
        }
        int allowed = Math.max(2, Math.max(input.length(), best.length()) / 3);
        return bestDistance <= allowed && bestDistance < Math.max(input.length(), 1)
                ? Optional.of(best)
                : Optional.empty();
    }

    /** Optimal string alignment distance (Levenshtein plus transpositions). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
