package dev.acp.cli;

/**
 * How full the serial collector's old generation may get before {@link SerialHeapLimit} asks for a
 * full collection: the soft heap limit less the young generation, but at least twice what the last
 * full collection left alive, so that a run whose live data really is large (a local 4K picture
 * being rendered) is not collected over and over, and never past the old generation's maximum.
 *
 * @param base the old generation's share of the soft limit, in bytes
 * @param max the old generation's maximum size, in bytes
 */
record OldGenerationBudget(long base, long max) {
    OldGenerationBudget {
        if (base <= 0 || max <= 0) {
            throw new IllegalArgumentException("the old generation's budget must be positive: " + base + " of " + max);
        }
    }

    /** The budget for {@code softLimit} of heap when the young generation takes up to {@code youngMax}. */
    static OldGenerationBudget of(long softLimit, long youngMax, long oldMax) {
        // A soft limit smaller than the young generation still leaves the old one a little room.
        long floor = Math.min(oldMax, 16L << 20);
        return new OldGenerationBudget(Math.min(oldMax, Math.max(floor, softLimit - youngMax)), oldMax);
    }

    /** The usage at which to collect next, after a full collection left {@code live} bytes in the old generation. */
    long thresholdAfter(long live) {
        long doubled = live > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : 2 * live;
        return Math.min(max, Math.max(base, doubled));
    }
}
