package dev.acp.testkit.sync;

import dev.acp.testkit.sync.FakeSyncServer.Provider;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The first half of a rule, from {@link FakeSyncServer#when(String)}: which paid requests it
 * matches. Each method adds a {@link Rule} to the server at once and returns it, so a test can
 * read how often it was applied.
 */
public final class When {
    /** How long {@link #stallAfterBytes(int)} stalls: longer than any client waits in a test. */
    public static final Duration DEFAULT_STALL = Duration.ofMinutes(10);

    private final List<Rule> rules;
    private final @Nullable Provider provider;
    private final String text;

    When(List<Rule> rules, @Nullable Provider provider, String text) {
        this.rules = rules;
        this.provider = provider;
        this.text = text;
    }

    /** The first matching request is billed, then its answer is held for {@code hold}. */
    public Rule holdAnswer(Duration hold) {
        return holdAnswer(hold, 1);
    }

    public Rule holdAnswer(Duration hold, int times) {
        return add(new Rule.Hold(hold), times);
    }

    /**
     * The first matching request is billed, then its headers and first {@code bytes} body bytes
     * are sent and the connection stalls for {@link #DEFAULT_STALL} (or until the server closes).
     */
    public Rule stallAfterBytes(int bytes) {
        return stallAfterBytes(bytes, DEFAULT_STALL, 1);
    }

    public Rule stallAfterBytes(int bytes, Duration stall, int times) {
        return add(new Rule.Stall(bytes, stall), times);
    }

    /** The first {@code times} matching requests get a 429 with {@code Retry-After}; none is billed. */
    public Rule answer429(int times, int retryAfterSeconds) {
        return add(new Rule.RateLimit(retryAfterSeconds), times);
    }

    /** The first {@code times} matching requests get a 503; none is billed. */
    public Rule answer503(int times) {
        return add(new Rule.Unavailable(), times);
    }

    /**
     * The first {@code times} matching requests see their connection closed without any response;
     * none is billed. The body is read first, because the rule matches on it.
     */
    public Rule resetBeforeAnswer(int times) {
        return add(new Rule.Reset(), times);
    }

    private Rule add(Rule.Action action, int times) {
        Rule rule = new Rule(provider, text, action, times);
        rules.add(rule);
        return rule;
    }
}
