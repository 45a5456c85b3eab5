package dev.acp.engine;

/**
 * The run journal could not be written, so the run was stopped: going on would spend money that
 * a resume could not account for. Carries what the run did until then.
 */
public final class JournalFailedException extends RuntimeException {
    private final transient RunResult result;

    public JournalFailedException(RunResult result, RuntimeException cause) {
        super("the run journal could not be written (" + cause.getMessage() + "); the run was stopped", cause);
        this.result = result;
    }

    public RunResult result() {
        return result;
    }
}
