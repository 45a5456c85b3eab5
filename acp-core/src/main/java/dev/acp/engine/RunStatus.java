package dev.acp.engine;

/** The outcome of a whole run; decides the exit code. */
public enum RunStatus {
    /** Every enabled step succeeded (members of a successful first_success/best_quality group may have failed). */
    SUCCEEDED,
    /** The run finished but some steps failed or were skipped; completed outputs are kept. */
    PARTIAL,
    /** The run was interrupted (Ctrl-C); completed outputs are kept. */
    INTERRUPTED;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
