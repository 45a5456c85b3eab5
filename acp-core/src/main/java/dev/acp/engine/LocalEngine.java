package dev.acp.engine;

import dev.acp.util.RetryPolicy;
import dev.acp.util.Sleeper;
import dev.acp.env.Environment;
import dev.acp.plan.ExecutionPlan;
import dev.acp.provider.ProviderRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Runs an {@link ExecutionPlan} in this process. Each step runs on its own virtual thread as
 * soon as everything it depends on has succeeded; a parallel group admits at most
 * {@code maxWorkers} members at a time, in file order. Failure is branch-local: a failed step
 * skips only its dependents. Step timeouts interrupt the step's thread; retryable failures are
 * retried with backoff within the step's deadline. Outputs are written to a temporary name and
 * renamed into place only when the step succeeds, so a final name never holds a partial file.
 * With a {@link RunRequest} the run is journaled (state changes that protect money are on disk
 * before the engine acts on them), served from the artifact cache, and resumable.
 */
public final class LocalEngine {

    /**
     * The outside world the engine uses, injectable for tests.
     *
     * @param cancelGrace how long an interrupted run waits for running steps to stop
     */
    public record Options(
            Clock clock,
            Sleeper sleeper,
            RetryPolicy retryPolicy,
            RandomGenerator random,
            Environment environment,
            Duration cancelGrace,
            StepTimeouts timeouts) {
        public Options {
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(sleeper, "sleeper");
            Objects.requireNonNull(retryPolicy, "retryPolicy");
            Objects.requireNonNull(random, "random");
            Objects.requireNonNull(environment, "environment");
            Objects.requireNonNull(cancelGrace, "cancelGrace");
            Objects.requireNonNull(timeouts, "timeouts");
        }

        public static Options defaults(Environment environment) {
            return new Options(Clock.systemUTC(), Sleeper.SYSTEM, RetryPolicy.DEFAULT,
                    RandomGenerator.getDefault(), environment, Duration.ofSeconds(10), StepTimeouts.defaults());
        }

        public Options withSleeper(Sleeper value) {
            return new Options(clock, value, retryPolicy, random, environment, cancelGrace, timeouts);
        }

        public Options withRetryPolicy(RetryPolicy value) {
            return new Options(clock, sleeper, value, random, environment, cancelGrace, timeouts);
        }

        public Options withCancelGrace(Duration value) {
            return new Options(clock, sleeper, retryPolicy, random, environment, value, timeouts);
        }

        /** The time limits of steps that set none (ACP_HOME/config.yaml's over the built-in ones). */
        public Options withTimeouts(StepTimeouts value) {
            return new Options(clock, sleeper, retryPolicy, random, environment, cancelGrace, value);
        }
    }

    private static final DateTimeFormatter RUN_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    private final ProviderRegistry registry;
    private final Options options;

    public LocalEngine(ProviderRegistry registry, Options options) {
        this.registry = registry;
        this.options = options;
    }

    /** Runs the plan to the end (or until {@code control} cancels it), without journal or cache. */
    public RunResult run(ExecutionPlan plan, RunListener listener, RunControl control) {
        return run(RunRequest.simple(plan, newRunId(), listener, control));
    }

    /**
     * Runs a plan as {@code request} says: journaled, cached, resumed. Throws the journal's
     * failure, if it failed, after the run stopped.
     */
    public RunResult run(RunRequest request) {
        Execution execution = new Execution(options, registry, request);
        RunResult result = execution.run();
        RuntimeException journal = execution.journalFailure();
        if (journal != null) {
            throw new JournalFailedException(result, journal);
        }
        return result;
    }

    /** A new run id: UTC time plus random hex, sortable and unique enough to name folders. */
    public String newRunId() {
        byte[] b = new byte[3];
        options.random().nextBytes(b);
        return RUN_ID_TIME.format(options.clock().instant()) + "-" + HexFormat.of().formatHex(b);
    }
}
