package dev.acp.engine;

/** The final state of a step or group in a run. */
public enum StepStatus {
    SUCCEEDED,
    FAILED,
    /** Not run because something it depends on failed, was cancelled or timed out. */
    SKIPPED,
    /** Stopped or never started because the run was interrupted or a sibling won (first_success). */
    CANCELLED,
    /** {@code enabled: false}. */
    DISABLED;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
