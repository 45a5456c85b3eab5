package dev.acp.engine;

import dev.acp.provider.JobHandle;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What an earlier session of the same run already did, by step id, as the journal recorded it
 * and the resume checks confirmed (outputs present with their recorded hashes). Steps not listed
 * run from the start.
 *
 * @param resendUnknown whether a paid request whose outcome is unknown (see {@link Submitting})
 *     is sent again, reported as a possible duplicate, instead of ending as an unknown outcome
 */
public record ResumeState(Map<String, Prior> steps, Map<String, Expansion> expansions, Map<String, Route> routes,
        boolean resendUnknown) {
    public static final ResumeState NONE = new ResumeState(Map.of());

    public ResumeState {
        steps = Map.copyOf(steps);
        expansions = Map.copyOf(expansions);
        routes = Map.copyOf(routes);
    }

    public ResumeState(Map<String, Prior> steps, Map<String, Expansion> expansions, Map<String, Route> routes) {
        this(steps, expansions, routes, false);
    }

    public ResumeState(Map<String, Prior> steps, Map<String, Expansion> expansions) {
        this(steps, expansions, Map.of());
    }

    /** This state, sending again the paid requests whose outcome is unknown ({@code --resend-unknown}). */
    public ResumeState resendingUnknown() {
        return new ResumeState(steps, expansions, routes, true);
    }

    public ResumeState(Map<String, Prior> steps) {
        this(steps, Map.of(), Map.of());
    }

    /**
     * Where an unfinished step's fallback chain was: it continues on alternative {@code index}
     * (its job, if one was journaled, is re-attached there) and never calls the earlier ones again.
     *
     * @param firstAttempt the first attempt made on that alternative, from which its retries count
     * @param switches the switches made so far, for the report
     * @param cost what the abandoned providers' failed calls were settled at, in total
     */
    public record Route(int index, String provider, @org.jspecify.annotations.Nullable String model, int firstAttempt,
            java.util.List<FallbackSwitch> switches, java.math.BigDecimal cost) {
        public Route {
            switches = java.util.List.copyOf(switches);
        }
    }

    /**
     * The list a for_each block expanded in the earlier session: when it differs now (its source
     * ran again and answered differently), the block's items all run again.
     */
    public record Expansion(int items, String itemsSha256) {}

    /** An earlier session's progress on one step. */
    public sealed interface Prior permits Done, Attached, Submitting, CallUnanswered {}

    /**
     * Finished and verified: the result is reused and nothing runs, as long as what the step is
     * made from is unchanged.
     *
     * @param outputSha256 the recorded content hash of its output file, or null
     * @param fingerprint the recorded fingerprint (cache key) of what it was made from, or null
     *     when the journal has none; the engine runs the step again when it differs now
     */
    public record Done(StepResult result, @Nullable String outputSha256, @Nullable String fingerprint)
            implements Prior {
        public Done {
            Objects.requireNonNull(result, "result");
        }

        public Done(StepResult result) {
            this(result, null, null);
        }
    }

    /** A job was submitted and its handle recorded: it is polled, never submitted again. */
    public record Attached(int attempt, String idempotencyKey, JobHandle handle) implements Prior {}

    /**
     * A submission was being sent when the session stopped: whether the provider got it is
     * unknown. It is sent again with the same key only to providers that deduplicate by it.
     */
    public record Submitting(int attempt, String idempotencyKey) implements Prior {}

    /**
     * A paid synchronous request (a chat answer, a speech) was sent and its answer never
     * recorded: the provider may have billed it. The provider looks it up where it keeps its
     * results (ElevenLabs' history); otherwise it is an unknown outcome, sent again only when
     * {@link #resendUnknown} says so.
     *
     * @param sentAt when the request was about to be sent, to bound the provider's lookup
     */
    public record CallUnanswered(int attempt, String key, String provider, java.time.Instant sentAt) implements Prior {}
}
