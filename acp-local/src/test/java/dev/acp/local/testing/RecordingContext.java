package dev.acp.local.testing;

import dev.acp.provider.StepContext;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A step context that records progress reports and can be told to cancel. */
public final class RecordingContext implements StepContext {
    public record Report(double fraction, String message) {}

    private final Path scratch;
    private final List<Report> reports = new CopyOnWriteArrayList<>();
    private volatile boolean cancelled;

    public RecordingContext(Path scratch) {
        this.scratch = scratch;
    }

    @Override
    public Path scratchDirectory() {
        return scratch;
    }

    @Override
    public void progress(double fraction, String message) {
        reports.add(new Report(fraction, message));
    }

    @Override
    public void checkCancelled() throws InterruptedException {
        if (cancelled || Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("step cancelled");
        }
    }

    public void cancel() {
        cancelled = true;
    }

    public List<Report> reports() {
        return List.copyOf(reports);
    }
}
