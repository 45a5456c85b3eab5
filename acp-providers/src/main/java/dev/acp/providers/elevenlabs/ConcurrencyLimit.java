package dev.acp.providers.elevenlabs;

import dev.acp.http.HttpResult;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How many speech requests may run at once: the governor's configured limit, lowered to what
 * ElevenLabs reports in {@code maximum-concurrent-requests} (the plan's concurrency: Free 2,
 * Starter 3, Creator 5, ...), and raised again up to the configured limit when the plan allows
 * more. Without it, every step above the plan's limit is answered with a 429 and waits for an
 * engine retry.
 *
 * <p>The shared {@link dev.acp.http.Governor} cannot be resized after creation, so this gate sits
 * in front of it for speech calls only; it belongs to the provider instance, of which the
 * registry creates one per process.
 */
final class ConcurrencyLimit {
    private final int configured;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition freed = lock.newCondition();
    private int limit;
    private int inUse;

    /** A held slot; closing it gives it back. */
    interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    ConcurrencyLimit(int configured) {
        if (configured < 1) {
            throw new IllegalArgumentException("concurrency limit must be at least 1");
        }
        this.configured = configured;
        this.limit = configured;
    }

    /** Waits for a slot. A lock rather than synchronized: virtual threads must not pin while waiting. */
    Slot acquire() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (inUse >= limit) {
                freed.await();
            }
            inUse++;
        } finally {
            lock.unlock();
        }
        return this::release;
    }

    private void release() {
        lock.lock();
        try {
            inUse--;
            freed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Adapts to the plan's limit if the response reports one. */
    void observe(HttpResult response) {
        maximum(response).ifPresent(this::learn);
    }

    void learn(int maximum) {
        lock.lock();
        try {
            limit = Math.max(1, Math.min(configured, maximum));
            freed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    int limit() {
        lock.lock();
        try {
            return limit;
        } finally {
            lock.unlock();
        }
    }

    /** {@code maximum-concurrent-requests}, when present and a positive whole number. */
    static Optional<Integer> maximum(HttpResult response) {
        return response.header("maximum-concurrent-requests").flatMap(v -> {
            try {
                int n = Integer.parseInt(v.trim());
                return n > 0 ? Optional.of(n) : Optional.empty();
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }
}
