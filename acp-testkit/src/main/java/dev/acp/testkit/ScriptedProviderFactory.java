package dev.acp.testkit;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.pipeline.Capability;
import dev.acp.provider.Provider;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderFactory;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test-only provider ({@code provider: scripted}) whose behaviour is written in the step's
 * config, so that end-to-end tests and the benchmark can script failures, delays and scores
 * from a pipeline file:
 *
 * <ul>
 *   <li>{@code script_sleep_ms}: wait this long (interruptibly) before answering
 *   <li>{@code script_hang: true}: wait until cancelled
 *   <li>{@code script_fail}: an error kind ({@code transient}, {@code validation}, ...) to throw;
 *       {@code script_fail_times}: on how many attempts of the step (default: all)
 *   <li>{@code script_quality}: the quality score to report
 *   <li>{@code script_output}: {@code file} (default for media steps), {@code text} (default for
 *       text steps) or {@code none} (no output, for measuring the engine alone)
 *   <li>{@code script_copy}: a file whose bytes become the output (a real image, say), instead of
 *       the placeholder text
 * </ul>
 */
public final class ScriptedProviderFactory implements ProviderFactory {
    public static final String ID = "scripted";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.allOf(Capability.class);
    }

    @Override
    public Provider create(ProviderContext context) {
        return new ScriptedProvider();
    }

    /** The provider; counts attempts per step so that "fail N times" works across retries. */
    static final class ScriptedProvider implements Provider {
        private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

        @Override
        public String id() {
            return ID;
        }

        @Override
        public Set<Capability> capabilities() {
            return EnumSet.allOf(Capability.class);
        }

        /** A test stand-in: it costs nothing, so the journal batches its records like a local engine's. */
        @Override
        public boolean costsMoney() {
            return false;
        }

        @Override
        public boolean deterministic(Capability capability, Map<String, Object> parameters) {
            return true;
        }

        @Override
        public ProviderResult execute(ProviderRequest r) throws ProviderException, InterruptedException {
            int attempt = attempts.computeIfAbsent(r.stepId(), k -> new AtomicInteger()).incrementAndGet();
            long sleep = r.number("script_sleep_ms").map(Double::longValue).orElse(0L);
            if (sleep > 0) {
                Thread.sleep(Duration.ofMillis(sleep));
            }
            if (Boolean.TRUE.equals(r.parameters().get("script_hang"))) {
                new CountDownLatch(1).await();
            }
            var fail = r.string("script_fail");
            if (fail.isPresent()) {
                long times = r.number("script_fail_times").map(Double::longValue).orElse(Long.MAX_VALUE);
                if (attempt <= times) {
                    ErrorKind kind = ErrorKind.valueOf(fail.get().toUpperCase(Locale.ROOT));
                    throw new ProviderException(kind, "scripted " + kind.wireName() + " failure (attempt " + attempt + ")");
                }
            }
            Map<String, Object> metadata = Map.of("attempt", attempt);
            String output = r.string("script_output").orElse(r.capability().producesText() ? "text" : "file");
            ProviderResult result = switch (output) {
                case "none" -> ProviderResult.nothing(metadata);
                case "text" -> ProviderResult.text("scripted text of " + r.stepId() + ": "
                        + r.string("prompt").or(() -> r.string("text")).orElse(""), metadata);
                default -> {
                    try {
                        if (r.string("script_copy").isPresent()) {
                            Files.copy(java.nio.file.Path.of(r.string("script_copy").get()), r.outputFile(),
                                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                        } else {
                            Files.writeString(r.outputFile(), "scripted output of " + r.stepId(), StandardCharsets.UTF_8);
                        }
                    } catch (IOException e) {
                        throw new ProviderException(ErrorKind.LOCAL, "cannot write " + r.outputFile(), e);
                    }
                    yield ProviderResult.file(metadata);
                }
            };
            return r.number("script_quality").map(result::withQualityScore).orElse(result);
        }
    }
}
