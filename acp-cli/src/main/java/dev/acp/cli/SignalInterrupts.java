package dev.acp.cli;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Ctrl-C handling with {@code sun.misc.Signal} for the whole process. During a run the first
 * Ctrl-C asks the run to stop cleanly (running steps stopped, report written, exit code 5); a
 * second one, or a Ctrl-C outside a run, ends the process at once, also with exit code 5 and
 * without leaving tools it started running. A shutdown hook could not choose the exit code,
 * which is why the signal is handled directly.
 */
final class SignalInterrupts implements CliContext.Interrupts {
    private final AtomicReference<Runnable> onInterrupt = new AtomicReference<>();
    private final AtomicInteger presses = new AtomicInteger();

    /** Installs the handler for this process. */
    @SuppressWarnings("sunapi")
    static SignalInterrupts install() {
        SignalInterrupts interrupts = new SignalInterrupts();
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), s -> interrupts.interrupted());
        } catch (IllegalArgumentException e) {
            // No SIGINT on this platform or the JVM reserves it (-Xrs): the default behaviour stays.
        }
        return interrupts;
    }

    private void interrupted() {
        Runnable action = onInterrupt.get();
        if (action != null && presses.incrementAndGet() == 1) {
            System.err.println();
            System.err.println("acp: interrupted; stopping running steps and writing the report"
                    + " (press Ctrl-C again to quit at once)");
            Thread.ofVirtual().start(action);
            return;
        }
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
        Runtime.getRuntime().halt(ExitCode.INTERRUPTED.code());
    }

    @Override
    public AutoCloseable onInterrupt(Runnable action) {
        onInterrupt.set(action);
        presses.set(0);
        return () -> onInterrupt.compareAndSet(action, null);
    }
}
