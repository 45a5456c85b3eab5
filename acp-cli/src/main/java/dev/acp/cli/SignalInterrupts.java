package dev.acp.cli;

/**
 * Ctrl-C handling with {@code sun.misc.Signal}: the first Ctrl-C asks the run to stop cleanly
 * (report written, exit code 5); a second one exits at once. A shutdown hook could not choose
 * the exit code, which is why the signal is handled directly.
 */
final class SignalInterrupts implements CliContext.Interrupts {

    @Override
    @SuppressWarnings("sunapi")
    public AutoCloseable onInterrupt(Runnable onInterrupt) {
        sun.misc.Signal signal = new sun.misc.Signal("INT");
        java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();
        sun.misc.SignalHandler previous = sun.misc.Signal.handle(signal, s -> {
            if (count.incrementAndGet() == 1) {
                System.err.println();
                System.err.println("acp: interrupted; stopping running steps and writing the report"
                        + " (press Ctrl-C again to quit at once)");
                Thread.ofVirtual().start(onInterrupt);
            } else {
                Runtime.getRuntime().halt(130);
            }
        });
        return () -> sun.misc.Signal.handle(signal, previous);
    }
}
