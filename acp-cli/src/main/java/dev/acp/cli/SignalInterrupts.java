package dev.acp.cli;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Ctrl-C, SIGTERM and SIGHUP handling with {@code sun.misc.Signal} for the whole process. During
 * a run the first signal asks the run to stop cleanly (running steps stopped, report written,
 * the run resumable) and the process exits with the signal's code: 5 for Ctrl-C, 143 for SIGTERM,
 * 129 for SIGHUP. A second signal, or one outside a run, ends the process at once with that code,
 * without leaving tools it started running. A shutdown hook could not stop the run cleanly nor
 * choose the exit code, which is why the signals are handled directly.
 */
final class SignalInterrupts implements CliContext.Interrupts {
    private final AtomicReference<Runnable> onInterrupt = new AtomicReference<>();
    private final AtomicInteger signals = new AtomicInteger();
    /** The signal that stopped the current run, unless it was Ctrl-C. */
    private final AtomicReference<ExitCode> stoppedBy = new AtomicReference<>();

    /** The signals handled, and what each one's stop is called. */
    private enum Handled {
        INT(ExitCode.INTERRUPTED, "interrupted", "press Ctrl-C again to quit at once"),
        TERM(ExitCode.TERMINATED, "received SIGTERM", "send it again to quit at once"),
        HUP(ExitCode.HANGUP, "the terminal hung up (SIGHUP)", "send it again to quit at once");

        final ExitCode code;
        final String what;
        final String again;

        Handled(ExitCode code, String what, String again) {
            this.code = code;
            this.what = what;
            this.again = again;
        }
    }

    /** Installs the handlers for this process. */
    @SuppressWarnings("sunapi")
    static SignalInterrupts install() {
        SignalInterrupts interrupts = new SignalInterrupts();
        for (Handled h : Handled.values()) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(h.name()), s -> interrupts.received(h));
            } catch (IllegalArgumentException e) {
                // Not on this platform, or the JVM reserves it (-Xrs): the default behaviour stays.
            }
        }
        return interrupts;
    }

    private void received(Handled signal) {
        Runnable action = onInterrupt.get();
        if (action != null && signals.incrementAndGet() == 1) {
            if (signal != Handled.INT) {
                stoppedBy.set(signal.code);
            }
            System.err.println();
            System.err.println("acp: " + signal.what + "; stopping running steps and writing the report ("
                    + signal.again + ")");
            // A platform thread: stopping must not wait for a free carrier of the virtual-thread
            // scheduler, which steps blocked in native code or monitors can hold (2 on 2 cores).
            Thread.ofPlatform().daemon().name("acp-stop").start(action);
            return;
        }
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
        ExitCode first = stoppedBy.get();
        Runtime.getRuntime().halt(first != null ? first.code() : signal.code.code());
    }

    @Override
    public AutoCloseable onInterrupt(Runnable action) {
        onInterrupt.set(action);
        signals.set(0);
        stoppedBy.set(null);
        return () -> onInterrupt.compareAndSet(action, null);
    }

    @Override
    public Optional<ExitCode> stoppedBy() {
        return Optional.ofNullable(stoppedBy.get());
    }
}
