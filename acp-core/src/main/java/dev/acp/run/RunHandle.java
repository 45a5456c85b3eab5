package dev.acp.run;

import dev.acp.engine.JournalFailedException;
import dev.acp.engine.RunControl;
import dev.acp.engine.RunListener;
import dev.acp.engine.RunResult;
import dev.acp.cost.CostControl;
import dev.acp.env.Secrets;
import dev.acp.plan.ExecutionPlan;
import dev.acp.report.RunReportWriter;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;

/**
 * A run started by {@link Runner#start()}: its id and folder at once, then its progress through
 * the listener, and its {@link RunOutcome} when it ends. {@link #cancel()} stops it as Ctrl-C does:
 * running steps are stopped, jobs already paid for are left to be collected by a resume, and the
 * report is written.
 */
public final class RunHandle {
    private final RunService.Session session;
    private final RunControl control = new RunControl();
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile @Nullable RunOutcome outcome;
    private volatile @Nullable Throwable failure;

    private RunHandle(RunService.Session session) {
        this.session = session;
    }

    static RunHandle start(RunService.Session session, CostControl costs, @Nullable BigDecimal limit,
            RunListener listener, Secrets secrets, boolean resendUnknown, @Nullable RunEngine engine) {
        RunHandle h = new RunHandle(session);
        Thread.ofVirtual().name("acp-run-" + session.runId()).start(() -> h.drive(costs, limit, listener, secrets,
                resendUnknown, engine));
        return h;
    }

    public String runId() {
        return session.runId();
    }

    /** The run's folder under {@code ACP_HOME/runs}: its journal and pipeline snapshot. */
    public Path runDirectory() {
        return session.runDirectory();
    }

    public ExecutionPlan plan() {
        return session.plan();
    }

    /** Stops the run as Ctrl-C does; {@link #await()} then returns the interrupted run's outcome. */
    public void cancel() {
        control.cancel();
    }

    public boolean isDone() {
        return done.getCount() == 0;
    }

    /** Waits for the run to end. */
    public RunOutcome await() throws InterruptedException {
        done.await();
        return result();
    }

    /** Waits for the run to end, even when interrupted (after a cancel, the end is near). */
    RunOutcome awaitUninterruptibly() {
        boolean interrupted = false;
        while (true) {
            try {
                done.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return result();
    }

    private RunOutcome result() {
        Throwable f = failure;
        if (f instanceof RuntimeException r) {
            throw r;
        }
        if (f instanceof Error e) {
            throw e;
        }
        if (f != null) {
            throw new IllegalStateException(f);
        }
        return outcome;
    }

    private void drive(CostControl costs, @Nullable BigDecimal limit, RunListener listener, Secrets secrets,
            boolean resendUnknown, @Nullable RunEngine engine) {
        try (session) {
            RunResult result;
            String journalError = null;
            try {
                result = engine == null ? session.run(listener, control, costs, resendUnknown)
                        : session.run(listener, control, costs, resendUnknown, engine);
            } catch (JournalFailedException e) {
                result = e.result();
                journalError = e.getMessage();
            }
            RunReportWriter writer = new RunReportWriter(secrets);
            RunReportWriter.Extras extras = new RunReportWriter.Extras(session.runDirectory(), spent(), session.notes(),
                    limit);
            String json = writer.toJson(session.plan(), result, extras);
            Path report = null;
            String reportError = null;
            try {
                report = writer.write(result, json);
                session.saveReport(json);
            } catch (IOException e) {
                reportError = e.getMessage();
            }
            outcome = new RunOutcome(session.runId(), session.plan(), result, report, reportError, journalError, extras,
                    json);
        } catch (Throwable t) {
            failure = t;
        } finally {
            done.countDown();
        }
    }

    private @Nullable BigDecimal spent() {
        try {
            return session.spent();
        } catch (IOException e) {
            return null;
        }
    }
}
