package dev.acp.cli;

/**
 * How full the serial collector's old generation may get before {@link SerialHeapLimit} asks for a
 * full collection: the soft heap limit less the young generation, but at least a quarter of that
 * more than the last full collection left alive, so that a run whose live data really is large (a
 * local 4K picture being rendered) is collected once per quarter of the budget it allocates, not
 * over and over, and never past the old generation's maximum. (Twice the live data, tried first,
 * let 2,000 fal jobs with 56 MB live reach 278 MB resident.)
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
        long headroom = base / 4;
        long next = live > Long.MAX_VALUE - headroom ? Long.MAX_VALUE : live + headroom;
        return Math.min(max, Math.max(base, next));
    }
}
