package dev.acp.engine;

/**
 * The keys the engine puts in a step's metadata ({@link StepResult#metadata()}), which the
 * journal, the resume, the report and the console read back: one spelling for all of them.
 */
public final class StepMetadata {
    /** A step whose job the run left at the provider (paid for or possibly so): a resume collects it. */
    public static final String JOB_IN_FLIGHT = "job_in_flight";
    /** A step whose paid request was sent and not answered: its outcome is unknown. */
    public static final String SUBMISSION_UNANSWERED = "submission_unanswered";
    /** Where the settled cost came from (reported, computed, catalog, unknown, cache, possible). */
    public static final String COST_SOURCE = "cost_source";
    /** How the settled cost was reached ({@code 2 images = 2 MP × $0.025/MP}). */
    public static final String COST_DETAIL = "cost_detail";
    /** The provider billed more than the step reserved. */
    public static final String COST_OVERRUN = "cost_overrun";
    /** What the provider reported delivering, in its billing units. */
    public static final String USAGE = "usage";
    /** What failed attempts cost at a provider that bills failures. */
    public static final String RETRY_COST = "retry_cost";
    /** The result is the provider's copy of an answer lost in a crash, not a new call. */
    public static final String RECOVERED = "recovered_after_restart";
    /** The step sent again a request whose earlier answer was lost (--resend-unknown). */
    public static final String POSSIBLE_DUPLICATE = "possible_duplicate";
    /** What the request sent again may have cost the first time. */
    public static final String POSSIBLE_DUPLICATE_COST = "possible_duplicate_cost";

    private StepMetadata() {}
}
