package dev.acp.testkit.sync;

import dev.acp.testkit.sync.FakeSyncServer.Provider;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A scripted behaviour for the first {@link #times()} paid requests whose body contains
 * {@link #text()} (and that go to {@link #provider()}, when one is named), set with
 * {@link FakeSyncServer#when(String)}. Rules apply only to paid requests (completions,
 * generateContent, text-to-speech), never to free reads such as voice lists or history.
 * When several rules match, the one added first that still has uses left applies.
 */
public final class Rule {
    /** What happens to a matched request. */
    public sealed interface Action permits Hold, Stall, RateLimit, Unavailable, Reset {}

    /** Billed, then the whole answer is held back for {@code duration} before it is sent. */
    public record Hold(Duration duration) implements Action {
        public Hold {
            requireNonNegative(duration);
        }
    }

    /**
     * Billed, then the status, headers and the first {@code bytes} bytes of the body are sent (never
     * the whole body), and the connection stalls for {@code duration} before it is dropped.
     */
    public record Stall(int bytes, Duration duration) implements Action {
        public Stall {
            if (bytes < 0) {
                throw new IllegalArgumentException("bytes must not be negative: " + bytes);
            }
            requireNonNegative(duration);
        }
    }

    /** Not billed: 429 in the provider's error shape, with {@code Retry-After}. */
    public record RateLimit(int retryAfterSeconds) implements Action {
        public RateLimit {
            if (retryAfterSeconds < 0) {
                throw new IllegalArgumentException("retryAfterSeconds must not be negative: " + retryAfterSeconds);
            }
        }
    }

    /** Not billed: 503 in the provider's error shape. */
    public record Unavailable() implements Action {}

    /** Not billed: the connection is closed without any response. */
    public record Reset() implements Action {}

    private final @Nullable Provider provider;
    private final String text;
    private final Action action;
    private final int times;
    private final AtomicInteger applied = new AtomicInteger();

    Rule(@Nullable Provider provider, String text, Action action, int times) {
        this.provider = provider;
        this.text = Objects.requireNonNull(text, "text");
        this.action = Objects.requireNonNull(action, "action");
        if (times < 1) {
            throw new IllegalArgumentException("times must be at least 1: " + times);
        }
        this.times = times;
    }

    /** The provider the rule is limited to, or null for all four. */
    public @Nullable Provider provider() {
        return provider;
    }

    /** The text a request body must contain; empty matches every paid request. */
    public String text() {
        return text;
    }

    public Action action() {
        return action;
    }

    /** How many requests the rule applies to. */
    public int times() {
        return times;
    }

    /** How many requests it was applied to so far. */
    public int applied() {
        return applied.get();
    }

    public int remaining() {
        return times - applied.get();
    }

    /** Whether the request matches and a use was left; takes that use atomically. */
    boolean take(Provider p, String body) {
        if (provider != null && provider != p || !body.contains(text)) {
            return false;
        }
        for (int a = applied.get(); a < times; a = applied.get()) {
            if (applied.compareAndSet(a, a + 1)) {
                return true;
            }
        }
        return false;
    }

    private static void requireNonNegative(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("duration must not be negative: " + d);
        }
    }

    @Override
    public String toString() {
        return "Rule[" + (provider == null ? "" : provider + " ") + "'" + text + "' -> " + action + ", " + applied()
                + "/" + times + "]";
    }
}
