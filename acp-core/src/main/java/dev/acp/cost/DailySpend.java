package dev.acp.cost;

import java.math.BigDecimal;
import org.jspecify.annotations.Nullable;

/**
 * Per-provider daily limits, shared by every ACP process of the same {@code ACP_HOME}.
 * Implementations are thread-safe.
 */
public interface DailySpend {
    /** No daily limits. */
    DailySpend NONE = new DailySpend() {
        @Override
        public @Nullable String reserve(String provider, BigDecimal amount) {
            return "";
        }

        @Override
        public @Nullable String refusal(String provider, BigDecimal amount) {
            return null;
        }

        @Override
        public void settle(String provider, String token, BigDecimal actual) {}

        @Override
        public void release(String provider, String token) {}
    };

    /**
     * Reserves {@code amount} against today's limit of {@code provider}; returns a token for
     * settling, or null when it does not fit (see {@link #refusal}).
     */
    @Nullable String reserve(String provider, BigDecimal amount);

    /** Why {@code amount} would not fit today, or null when it would (or no limit applies). */
    @Nullable String refusal(String provider, BigDecimal amount);

    void settle(String provider, String token, BigDecimal actual);

    void release(String provider, String token);

    /** Whether {@code provider} has a daily limit here. */
    default boolean limits(String provider) {
        return false;
    }
}
