package dev.acp.engine;

import dev.acp.provider.JobHandle;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What an earlier session of the same run already did, by step id, as the journal recorded it
 * and the resume checks confirmed (outputs present with their recorded hashes). Steps not listed
 * run from the start.
 */
public record ResumeState(Map<String, Prior> steps, Map<String, Expansion> expansions, Map<String, Route> routes) {
    public static final ResumeState NONE = new ResumeState(Map.of());

    public ResumeState {
        steps = Map.copyOf(steps);
        expansions = Map.copyOf(expansions);
        routes = Map.copyOf(routes);
    }

    public ResumeState(Map<String, Prior> steps, Map<String, Expansion> expansions) {
        this(steps, expansions, Map.of());
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
    public sealed interface Prior permits Done, Attached, Submitting {}

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
}
