package dev.acp.testkit.jobs;

import dev.acp.provider.StepContext;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A step context that remembers the progress reported to it. */
final class RecordingStepContext implements StepContext {
    private final Path scratch;
    final List<String> progress = new CopyOnWriteArrayList<>();

    RecordingStepContext(Path scratch) {
        this.scratch = scratch;
    }

    @Override
    public Path scratchDirectory() {
        return scratch;
    }

    @Override
    public void progress(double fraction, String message) {
        progress.add(message + " " + fraction);
    }
}
