package dev.acp.util;

import java.time.Duration;

/** Waits between retries; injected so tests neither wait nor depend on timing. */
@FunctionalInterface
public interface Sleeper {
    Sleeper SYSTEM = d -> Thread.sleep(d.toMillis(), (int) (d.toNanosPart() % 1_000_000));

    void sleep(Duration duration) throws InterruptedException;
}
