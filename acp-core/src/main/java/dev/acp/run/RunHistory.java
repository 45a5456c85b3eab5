package dev.acp.run;

import dev.acp.engine.Settlement;
import dev.acp.engine.StepMetadata;
import dev.acp.engine.StepResult;
import dev.acp.provider.JobHandle;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a run's journal says happened, step by step: the latest attempt, an unanswered or
 * accepted job submission, the output written, the costs settled and the final result.
 */
public final class RunHistory {
    /** Metadata the engine sets on a cancelled step whose job it left running (see TaskRunner). */
    private static final String JOB_IN_FLIGHT = StepMetadata.JOB_IN_FLIGHT;
    private static final String SUBMISSION_UNANSWERED = StepMetadata.SUBMISSION_UNANSWERED;
    /** See {@link Settlement#POSSIBLE}: a possible charge, not an answer. */
    static final String POSSIBLE = Settlement.POSSIBLE;

    /** The recorded state of one step. */
    public static final class StepState {
        private final String step;
        private int attempt;
        private @Nullable String submittingKey;
        private int submittingAttempt;
        private @Nullable JobHandle handle;
        private @Nullable String handleKey;
        private int handleAttempt;
        /** A paid synchronous request sent with no answer recorded: its key, attempt, provider and time. */
        private JournalRecord.@Nullable CallSending call;
        private @Nullable String outputPath;
        private @Nullable String outputSha256;
        private @Nullable String fingerprint;
        private List<dev.acp.engine.WrittenSideFile> sideFiles = List.of();
        /** Costs of calls that are not jobs, summed; of jobs, by job id (a job is paid once). */
        private BigDecimal callCosts = BigDecimal.ZERO;
        private final Map<String, BigDecimal> jobCosts = new LinkedHashMap<>();
        private @Nullable StepResult result;
        /** Output written and cost settled since the latest attempt started, before any result. */
        private boolean outputSinceStart;
        private boolean costSinceStart;
        private @Nullable String provider;
        /** The fallback switches of the step's current chain, cleared when the step ends for good. */
        private final java.util.List<JournalRecord.FallbackSwitched> switches = new java.util.ArrayList<>();

        StepState(String step) {
            this.step = step;
        }

        public String step() {
            return step;
        }

        public int attempt() {
            return attempt;
        }

        /** The idempotency key of a submission with no recorded answer, or null. */
        public @Nullable String unansweredSubmission() {
            return submittingKey != null && (handleKey == null || !handleKey.equals(submittingKey)) ? submittingKey : null;
        }

        public int submittingAttempt() {
            return submittingAttempt;
        }

        /** The handle of the latest accepted job, or null. */
        public @Nullable JobHandle handle() {
            return handle;
        }

        public @Nullable String handleKey() {
            return handleKey;
        }

        public int handleAttempt() {
            return handleAttempt;
        }

        public @Nullable String outputPath() {
            return outputPath;
        }

        public @Nullable String outputSha256() {
            return outputSha256;
        }

        /** The side files recorded with the output, with their content hashes. */
        public List<dev.acp.engine.WrittenSideFile> sideFiles() {
            return sideFiles;
        }

        /** The fingerprint (cache key) of what the recorded output was made from, or null. */
        public @Nullable String fingerprint() {
            return fingerprint;
        }

        private void settle(Settlement cost) {
            if (cost.job() != null) {
                jobCosts.put(cost.job(), cost.amount());
            } else {
                callCosts = callCosts.add(cost.amount());
            }
            costSinceStart = true;
        }

        /** What the step has cost in every session: each job once, every other call. */
        public BigDecimal cost() {
            return jobCosts.values().stream().reduce(callCosts, BigDecimal::add);
        }

        /**
         * Whether the latest attempt got as far as writing its output and settling its cost,
         * although no final result was recorded (the process stopped in between).
         */
        public boolean completedWithoutResult() {
            return result == null && outputSinceStart && costSinceStart;
        }

        /**
         * Whether the latest attempt placed its output and recorded what it cost, whatever result
         * followed: a paid output in place, which a resume keeps rather than pay for again, even
         * when something after it failed the step.
         */
        public boolean paidOutputPlaced() {
            return outputSinceStart && costSinceStart && outputPath != null;
        }

        /** The latest final result, or null if the step never finished. */
        public @Nullable StepResult result() {
            return result;
        }

        /**
         * The switches to fallback alternatives of an unfinished step (or one that left a job
         * in flight), oldest first: a resume continues on the latest one's provider.
         */
        public java.util.List<JournalRecord.FallbackSwitched> fallbackSwitches() {
            return java.util.List.copyOf(switches);
        }

        /** The paid synchronous request whose answer was never recorded, or null. */
        public JournalRecord.@Nullable CallSending unansweredCall() {
            return call;
        }

        /** Whether a job or a paid request of this step may still be at the provider, to be collected. */
        public boolean inFlight() {
            return handle != null || unansweredSubmission() != null || call != null;
        }
    }

    private final Map<String, StepState> steps = new LinkedHashMap<>();
    /** The latest expansion of each for_each block. */
    private final Map<String, JournalRecord.Expanded> expansions = new LinkedHashMap<>();
    private @Nullable String status;
    private @Nullable String runId;
    private @Nullable String pipelineSha256;
    private int sessions;

    public static RunHistory of(List<JournalRecord> records) {
        RunHistory h = new RunHistory();
        records.forEach(h::apply);
        return h;
    }

    private StepState state(String step) {
        return steps.computeIfAbsent(step, StepState::new);
    }

    private void apply(JournalRecord r) {
        switch (r) {
            case JournalRecord.RunStarted s -> {
                runId = s.runId();
                pipelineSha256 = s.pipelineSha256();
                sessions++;
                status = null;
            }
            case JournalRecord.RunResumed s -> {
                pipelineSha256 = s.pipelineSha256();
                sessions++;
                status = null;
            }
            case JournalRecord.StepStarted s -> {
                StepState st = state(s.step());
                st.attempt = Math.max(st.attempt, s.attempt());
                // The engine starts a later attempt only once the earlier one's job is dead (the
                // provider said it failed) or was never accepted: nothing of it is left to collect.
                if (st.handle != null && s.attempt() > st.handleAttempt) {
                    st.handle = null;
                    st.handleKey = null;
                }
                if (st.submittingKey != null && s.attempt() > st.submittingAttempt) {
                    st.submittingKey = null;
                }
                if (st.call != null && s.attempt() > st.call.attempt()) {
                    st.call = null;
                }
                // A new session's attempt supersedes an earlier final result.
                st.result = null;
                st.outputSinceStart = false;
                st.costSinceStart = false;
            }
            case JournalRecord.JobSubmitting s -> {
                StepState st = state(s.step());
                st.submittingKey = s.idempotencyKey();
                st.submittingAttempt = s.attempt();
                if (st.handle != null && st.handleAttempt < s.attempt()) {
                    // See StepStarted: an older job is dead once a later attempt submits.
                    st.handle = null;
                    st.handleKey = null;
                }
            }
            case JournalRecord.CallSending s -> state(s.step()).call = s;
            case JournalRecord.CallAnswered s -> {
                StepState st = state(s.step());
                if (st.call != null && st.call.key().equals(s.key())) {
                    st.call = null;
                }
                if (s.key().equals(st.submittingKey)) {
                    // A submission the provider answered with a failure: no job exists.
                    st.submittingKey = null;
                }
            }
            case JournalRecord.JobSubmitted s -> {
                StepState st = state(s.step());
                st.handle = s.handle();
                st.handleKey = s.idempotencyKey();
                st.handleAttempt = s.attempt();
            }
            case JournalRecord.OutputWritten s -> {
                StepState st = state(s.step());
                st.outputPath = s.path();
                st.outputSha256 = s.sha256();
                st.fingerprint = s.fingerprint();
                st.sideFiles = s.sideFiles();
                st.outputSinceStart = true;
                // The answer arrived: a request on its way is no longer unknown.
                st.call = null;
                if (s.cost() != null) {
                    st.settle(s.cost());
                }
            }
            case JournalRecord.CostSettled s -> {
                StepState st = state(s.step());
                st.settle(s.cost());
                if (!POSSIBLE.equals(s.cost().source())) {
                    st.call = null;
                }
            }
            case JournalRecord.StepFinished s -> {
                StepState st = state(s.result().stepId());
                st.result = s.result();
                // A finished job is no longer in flight, unless the run was interrupted and left it
                // running, or its submission was never answered: a resume still has to collect those.
                Map<String, Object> m = s.result().metadata();
                if (!m.containsKey(JOB_IN_FLIGHT)) {
                    st.handle = null;
                    st.handleKey = null;
                }
                if (!m.containsKey(SUBMISSION_UNANSWERED)) {
                    st.submittingKey = null;
                    st.call = null;
                }
                if (!m.containsKey(JOB_IN_FLIGHT) && !m.containsKey(SUBMISSION_UNANSWERED)) {
                    // The chain ended: a later run of the step starts again at its primary provider.
                    st.switches.clear();
                }
            }
            case JournalRecord.FallbackSwitched s -> {
                StepState st = state(s.step());
                st.switches.add(s);
                // A switch happens only once the earlier provider's job failed or was never
                // accepted: nothing of it is left to collect (as with a later attempt's start).
                if (st.handle != null && st.handleAttempt < s.attempt()) {
                    st.handle = null;
                    st.handleKey = null;
                }
                if (st.submittingKey != null && st.submittingAttempt < s.attempt()) {
                    st.submittingKey = null;
                }
                if (st.call != null && st.call.attempt() < s.attempt()) {
                    st.call = null;
                }
            }
            case JournalRecord.RunFinished s -> status = s.status();
            case JournalRecord.Expanded s -> expansions.put(s.step(), s);
        }
    }

    /** The latest list each for_each block expanded, by block id. */
    public Map<String, JournalRecord.Expanded> expansions() {
        return java.util.Collections.unmodifiableMap(expansions);
    }

    public Map<String, StepState> steps() {
        return java.util.Collections.unmodifiableMap(steps);
    }

    public @Nullable StepState step(String id) {
        return steps.get(id);
    }

    /** The status of the last session that finished, or null when the last session did not finish. */
    public @Nullable String finishedStatus() {
        return status;
    }

    public @Nullable String runId() {
        return runId;
    }

    public @Nullable String pipelineSha256() {
        return pipelineSha256;
    }

    public int sessions() {
        return sessions;
    }

    /** The total of every settled cost: what the run has spent so far. */
    public BigDecimal spent() {
        return steps.values().stream().map(StepState::cost).reduce(BigDecimal.ZERO, BigDecimal::add);
    }
}
