package dev.acp.batch;

/**
 * The inputs of a batch have problems; nothing was run or written. Carries every problem found
 * (each with its line and fix), so that they can all be shown at once.
 */
public final class BatchInvalidException extends RuntimeException {
    private final transient BatchCheck check;

    public BatchInvalidException(BatchCheck check) {
        super(summary(check));
        this.check = check;
    }

    public BatchCheck check() {
        return check;
    }

    private static String summary(BatchCheck check) {
        long n = check.problems().size() + check.moreProblems();
        return n == 1 ? check.problems().get(0).render() : n + " problems in the inputs of the batch";
    }
}
