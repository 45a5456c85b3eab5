package dev.acp.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * Lets another thread (the Ctrl-C handler) stop a run. Cancelling stops running steps, skips
 * the rest, and lets the engine return a result marked {@link RunStatus#INTERRUPTED}.
 */
public final class RunControl {
    private final List<Runnable> onCancel = new ArrayList<>();
    private boolean cancelled;

    public void cancel() {
        List<Runnable> actions;
        synchronized (this) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            actions = List.copyOf(onCancel);
        }
        actions.forEach(Runnable::run);
    }

    public synchronized boolean isCancelled() {
        return cancelled;
    }

    /** Runs {@code action} on cancellation, or at once if the run is already cancelled. */
    void onCancel(Runnable action) {
        boolean now;
        synchronized (this) {
            now = cancelled;
            if (!now) {
                onCancel.add(action);
            }
        }
        if (now) {
            action.run();
        }
    }
}
