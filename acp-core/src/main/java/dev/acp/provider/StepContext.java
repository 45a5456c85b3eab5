package dev.acp.provider;

import java.nio.file.Path;

/**
 * What a running step offers its provider besides the request: a scratch folder that the
 * engine deletes afterwards, and a way to report progress to the live display.
 */
public interface StepContext {

    /**
     * The id of the run this step belongs to (the same after a resume); empty outside a run.
     * Providers that remember something about a step between its attempts key it by run and
     * step id, so that two runs in one process (a server, a library user) never mix.
     */
    default String runId() {
        return "";
    }

    /** A private folder for intermediate files of this attempt; deleted when the step ends. */
    Path scratchDirectory();

    /**
     * Reports progress of a long operation.
     *
     * @param fraction between 0 and 1, or negative when unknown
     * @param message a short status such as {@code encoding video}
     */
    void progress(double fraction, String message);

    /**
     * Throws {@link InterruptedException} if the step was cancelled (timeout, first success of a
     * sibling, Ctrl-C). Long CPU-bound loops call it between units of work.
     */
    default void checkCancelled() throws InterruptedException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("step cancelled");
        }
    }

    /**
     * Told of every side file handed out for this attempt ({@link ProviderRequest#sideFile}), so
     * that the engine deletes exactly the ones a failed attempt leaves unplaced, without listing
     * the output folder (which may hold thousands of outputs).
     */
    default void sideFileHandedOut(SideFile file) {}
}
