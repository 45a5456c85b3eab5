package dev.acp.batch;

/**
 * Observes a batch: the live progress display, logs. Calls come from the rows' threads,
 * concurrently; implementations must be thread-safe and quick.
 */
public interface BatchListener {
    BatchListener NONE = new BatchListener() {};

    default void rowStarted(BatchRow row, String runId) {}

    default void rowFinished(RowOutcome outcome) {}
}
