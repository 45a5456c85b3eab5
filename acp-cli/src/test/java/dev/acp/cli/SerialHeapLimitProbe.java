package dev.acp.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;

/**
 * Run by {@link SerialHeapLimitTest} in a JVM of its own: allocates like a fan-out (objects that
 * live across a few young collections, then die) and prints the old generation's peak use in
 * bytes. With the argument {@code limit} it installs {@link SerialHeapLimit} first.
 */
final class SerialHeapLimitProbe {
    private SerialHeapLimitProbe() {}

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("limit")) {
            SerialHeapLimit.install().orElseThrow(() -> new IllegalStateException("not installed"));
        }
        // 64 slots of 64 KiB: 4 MiB "in flight", more than the survivor space holds, so each young
        // collection promotes some, as 1,000 jobs in flight do.
        byte[][] inFlight = new byte[64][];
        long sink = 0;
        for (int i = 0; i < 10_000; i++) {
            byte[] b = new byte[64 * 1024];
            b[i % b.length] = (byte) i;
            inFlight[i % inFlight.length] = b;
            sink += inFlight[(i * 7) % inFlight.length] == null ? 0 : 1;
            if (i % 64 == 0) {
                // The JVM reports a crossed threshold from a service thread: on a busy machine a
                // loop that never pauses could promote far past it before the report is acted on.
                // A fan-out's threads wait on the network most of the time anyway.
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        MemoryPoolMXBean old = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getName().equals("Tenured Gen")).findFirst().orElseThrow();
        System.out.println(old.getPeakUsage().getUsed() + " " + sink);
    }
}
