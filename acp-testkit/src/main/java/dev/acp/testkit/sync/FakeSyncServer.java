package dev.acp.testkit.sync;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A fake of the synchronous paid providers on {@code 127.0.0.1}, run inside a test: OpenRouter,
 * an OpenAI-compatible server, ElevenLabs and Gemini, each under its own path prefix
 * ({@link Provider#prefix()}), so that each ACP provider is pointed at it by its base-URL
 * variable ({@link #environment()}) and works unchanged.
 *
 * <p>Its purpose is the ledger: every paid request (a chat completion, a {@code generateContent},
 * a text-to-speech) is billed, and recorded in {@link #records()}, <em>before</em> its answer is
 * sent, as a real provider bills work it has done whether or not the client is still there to
 * read it. {@link #billedTwice()} then names every request billed more than once: a crash test
 * kills ACP while an answer is on its way, resumes the run, and asserts that it is empty.
 *
 * <h2>HTTP contract</h2>
 *
 * <ul>
 *   <li>{@code /openrouter/api/v1}: {@code POST /chat/completions} (Bearer key), answered as
 *       providers.md 3.2 with {@code usage.cost} and {@code X-Generation-Id}; {@code GET /models}
 *       with the server's prices; {@code GET /key}.
 *   <li>{@code /openai/v1}: {@code POST /chat/completions} (Bearer key), token counts without a
 *       cost (providers.md 8); {@code GET /models}.
 *   <li>{@code /elevenlabs}: {@code POST /v1/text-to-speech/{voice_id}?output_format=} with
 *       {@code xi-api-key}: audio bytes and the headers {@code request-id},
 *       {@code history-item-id} and {@code character-cost}; {@code GET /v1/voices},
 *       {@code GET /v2/voices}, {@code GET /v1/models}; the history of providers.md 2.5:
 *       {@code GET /v1/history}, {@code /v1/history/{id}}, {@code /v1/history/{id}/audio}.
 *   <li>{@code /google}: {@code POST /v1beta/models/{model}:generateContent} with
 *       {@code x-goog-api-key} (or {@code ?key=}), answered as providers.md 6.2 with
 *       {@code usageMetadata}; {@code GET /v1beta/models}.
 * </ul>
 *
 * Answers depend only on the request: the same body gets the same text or audio (ids differ).
 * Chat and Gemini answer JSON that fits ACP's schemas when JSON is asked for. Errors come in each
 * provider's shape: 401 for a wrong or missing key, 400/422 for a malformed request, 404 for an
 * unknown path, voice or model; none of them is billed.
 *
 * <h2>Timing and scripting</h2>
 *
 * {@link Settings#answerDelay()} is the time a paid request takes before it is billed (the work).
 * Rules set with {@link #when(String)} match paid requests on a substring of the raw body:
 * {@link When#holdAnswer hold} or {@link When#stallAfterBytes stall} the answer after billing,
 * or refuse the request without billing ({@link When#answer429 429}, {@link When#answer503 503},
 * {@link When#resetBeforeAnswer a closed connection}).
 *
 * <p>Thread-safe: every request is served on its own virtual thread; each bill, with its history
 * item, is recorded atomically.
 */
public final class FakeSyncServer implements AutoCloseable {

    /** The four providers the server plays, with the variables that point ACP at them. */
    public enum Provider {
        /** OpenRouter: ACP's base URL includes {@code /api/v1} and paths are appended to it. */
        OPENROUTER("/openrouter/api/v1", "ACP_OPENROUTER_BASE_URL", "OPENROUTER_API_KEY",
                "fake-openrouter-key-0123456789"),
        /** An OpenAI-compatible server: ACP's base URL includes {@code /v1}. */
        OPENAI("/openai/v1", "ACP_OPENAI_BASE_URL", "OPENAI_API_KEY", "fake-openai-key-0123456789"),
        /** ElevenLabs: ACP appends {@code /v1/...} to the host root. */
        ELEVENLABS("/elevenlabs", "ACP_ELEVENLABS_BASE_URL", "ELEVENLABS_API_KEY", "fake-elevenlabs-key-0123456789"),
        /** Gemini: ACP appends {@code /v1beta/...} to the host root (and drops a {@code /v1beta} given). */
        GOOGLE("/google", "ACP_GOOGLE_BASE_URL", "GOOGLE_API_KEY", "fake-google-key-0123456789");

        private final String prefix;
        private final String baseUrlVariable;
        private final String keyVariable;
        private final String defaultKey;

        Provider(String prefix, String baseUrlVariable, String keyVariable, String defaultKey) {
            this.prefix = prefix;
            this.baseUrlVariable = baseUrlVariable;
            this.keyVariable = keyVariable;
            this.defaultKey = defaultKey;
        }

        /** The path under which the server plays this provider. */
        public String prefix() {
            return prefix;
        }

        public String baseUrlVariable() {
            return baseUrlVariable;
        }

        public String keyVariable() {
            return keyVariable;
        }

        /** The key the server accepts unless its settings say otherwise. */
        public String defaultKey() {
            return defaultKey;
        }

        static Optional<Provider> of(String path) {
            for (Provider p : values()) {
                if (path.equals(p.prefix) || path.startsWith(p.prefix + "/")) {
                    return Optional.of(p);
                }
            }
            return Optional.empty();
        }
    }

    /** A price per million input (prompt) and output (completion) tokens, in US dollars. */
    public record TokenPrice(BigDecimal inputPerMillion, BigDecimal outputPerMillion) {
        public TokenPrice {
            if (inputPerMillion.signum() < 0 || outputPerMillion.signum() < 0) {
                throw new IllegalArgumentException("prices must not be negative: " + inputPerMillion + ", "
                        + outputPerMillion);
            }
        }

        public static TokenPrice of(String inputPerMillion, String outputPerMillion) {
            return new TokenPrice(new BigDecimal(inputPerMillion), new BigDecimal(outputPerMillion));
        }

        /** The exact price of a call. */
        public BigDecimal cost(long inputTokens, long outputTokens) {
            return inputPerMillion.multiply(BigDecimal.valueOf(inputTokens))
                    .add(outputPerMillion.multiply(BigDecimal.valueOf(outputTokens))).movePointLeft(6);
        }
    }

    /**
     * Per-server settings.
     *
     * @param apiKeys the key each provider accepts; a provider left out accepts any key or none
     * @param tokenPrices the prices of OpenRouter, the OpenAI-compatible server and Gemini
     * @param creditPrice US dollars per ElevenLabs credit
     * @param answerDelay how long a paid request takes before it is billed and answered
     * @param clock the time of bills, history items and {@code created} fields
     */
    public record Settings(Map<Provider, String> apiKeys, Map<Provider, TokenPrice> tokenPrices,
            BigDecimal creditPrice, Duration answerDelay, Clock clock) {
        public Settings {
            apiKeys = Map.copyOf(apiKeys);
            apiKeys.forEach((p, k) -> {
                if (k.isBlank()) {
                    throw new IllegalArgumentException("the key of " + p + " must not be blank");
                }
            });
            tokenPrices = Map.copyOf(tokenPrices);
            for (Provider p : List.of(Provider.OPENROUTER, Provider.OPENAI, Provider.GOOGLE)) {
                if (!tokenPrices.containsKey(p)) {
                    throw new IllegalArgumentException("no token price for " + p);
                }
            }
            if (creditPrice.signum() < 0) {
                throw new IllegalArgumentException("creditPrice must not be negative: " + creditPrice);
            }
            if (answerDelay.isNegative()) {
                throw new IllegalArgumentException("answerDelay must not be negative: " + answerDelay);
            }
            Objects.requireNonNull(clock, "clock");
        }

        /**
         * Each provider's {@link Provider#defaultKey()}; gpt-4o-mini's prices for both chat
         * providers ($0.15 in, $0.60 out per million tokens), gemini-2.5-flash's for Gemini
         * ($0.30, $2.50); $0.000182 a credit (the Creator plan, prices.md 2); no delay.
         */
        public static Settings defaults() {
            Map<Provider, String> keys = new EnumMap<>(Provider.class);
            for (Provider p : Provider.values()) {
                keys.put(p, p.defaultKey());
            }
            return new Settings(keys, Map.of(
                    Provider.OPENROUTER, TokenPrice.of("0.15", "0.60"),
                    Provider.OPENAI, TokenPrice.of("0.15", "0.60"),
                    Provider.GOOGLE, TokenPrice.of("0.30", "2.50")),
                    new BigDecimal("0.000182"), Duration.ZERO, Clock.systemUTC());
        }

        /** {@code key} for {@code provider}, or with null any key (or none). */
        public Settings withApiKey(Provider provider, @Nullable String key) {
            Map<Provider, String> keys = new EnumMap<>(Provider.class);
            keys.putAll(apiKeys);
            if (key == null) {
                keys.remove(provider);
            } else {
                keys.put(provider, key);
            }
            return new Settings(keys, tokenPrices, creditPrice, answerDelay, clock);
        }

        public Settings withTokenPrice(Provider provider, TokenPrice price) {
            Map<Provider, TokenPrice> prices = new EnumMap<>(Provider.class);
            prices.putAll(tokenPrices);
            prices.put(provider, price);
            return new Settings(apiKeys, prices, creditPrice, answerDelay, clock);
        }

        public Settings withCreditPrice(BigDecimal price) {
            return new Settings(apiKeys, tokenPrices, price, answerDelay, clock);
        }

        public Settings withAnswerDelay(Duration delay) {
            return new Settings(apiKeys, tokenPrices, creditPrice, delay, clock);
        }

        public Settings withClock(Clock c) {
            return new Settings(apiKeys, tokenPrices, creditPrice, answerDelay, c);
        }
    }

    private final Settings settings;
    private final HttpServer http;
    private final ExecutorService executor;
    private final String baseUrl;
    private final Ledger ledger;
    private final List<Rule> rules = new CopyOnWriteArrayList<>();

    private FakeSyncServer(Settings settings) throws IOException {
        this.settings = settings;
        this.http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        this.baseUrl = "http://127.0.0.1:" + http.getAddress().getPort();
        this.ledger = new Ledger(settings.clock());
        http.setExecutor(executor);
        http.createContext("/", new SyncHandler(settings, ledger, rules, new Ids(baseUrl)));
        http.start();
    }

    /** Starts a server with {@link Settings#defaults()} on an ephemeral port of 127.0.0.1. */
    public static FakeSyncServer start() {
        return start(Settings.defaults());
    }

    /** Starts a server with {@code settings} on an ephemeral port of 127.0.0.1. */
    public static FakeSyncServer start(Settings settings) {
        try {
            return new FakeSyncServer(settings);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the fake sync server", e);
        }
    }

    /** The server's root, for example {@code http://127.0.0.1:40123}. */
    public String baseUrl() {
        return baseUrl;
    }

    /** What ACP's {@link Provider#baseUrlVariable()} must hold, for example {@code http://127.0.0.1:40123/openai/v1}. */
    public String baseUrl(Provider provider) {
        return baseUrl + provider.prefix();
    }

    /** The key to send to {@code provider}: the one it accepts, or its default when it accepts any. */
    public String apiKey(Provider provider) {
        return settings.apiKeys().getOrDefault(provider, provider.defaultKey());
    }

    /**
     * The base URL and key variables of all four providers, for an {@code acp} process started by
     * a crash test ({@code ACP_OPENROUTER_BASE_URL}, {@code OPENROUTER_API_KEY}, ...).
     */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        for (Provider p : Provider.values()) {
            env.put(p.baseUrlVariable(), baseUrl(p));
            env.put(p.keyVariable(), apiKey(p));
        }
        return java.util.Collections.unmodifiableMap(env);
    }

    public Settings settings() {
        return settings;
    }

    // ---------------------------------------------------------------- scripting

    /** Starts a rule for paid requests of any provider whose raw body contains {@code text}. */
    public When when(String text) {
        return new When(rules, null, Objects.requireNonNull(text, "text"));
    }

    /** Starts a rule for paid requests to {@code provider} whose raw body contains {@code text}. */
    public When when(Provider provider, String text) {
        return new When(rules, Objects.requireNonNull(provider, "provider"), Objects.requireNonNull(text, "text"));
    }

    /** Every rule added, in the order they are tried. */
    public List<Rule> rules() {
        return List.copyOf(rules);
    }

    public void clearRules() {
        rules.clear();
    }

    // ---------------------------------------------------------------- ledger

    /** Every billed request, in billing order. */
    public List<BilledRequest> records() {
        return ledger.records();
    }

    public List<BilledRequest> records(Provider provider) {
        return ledger.records().stream().filter(r -> r.provider() == provider).toList();
    }

    public int billedCount() {
        return ledger.count();
    }

    /** The sum of every bill, in US dollars. */
    public BigDecimal totalBilled() {
        return ledger.total();
    }

    public BigDecimal totalBilled(Provider provider) {
        return records(provider).stream().map(BilledRequest::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    /**
     * Every record of a request billed more than once: same provider, path (with query) and body
     * hash ({@link BilledRequest#sameRequestKey()}). The path counts because ElevenLabs names the
     * voice in it: one text spoken by two voices is two requests. Empty when nothing was paid twice.
     */
    public List<BilledRequest> billedTwice() {
        return ledger.billedTwice();
    }

    /** The ElevenLabs account's speech history, oldest first. */
    public List<HistoryItem> history() {
        return ledger.history();
    }

    /** Waits until at least {@code n} requests were billed; false if {@code timeout} passed first. */
    public boolean awaitBilled(int n, Duration timeout) throws InterruptedException {
        return ledger.awaitBilled(n, timeout);
    }

    /** Forgets every bill, history item and rule. Ids keep counting, so old ids never name new items. */
    public void reset() {
        rules.clear();
        ledger.reset();
    }

    /** Stops serving at once; held and stalled answers are cut off unsent. */
    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "FakeSyncServer[" + baseUrl + "]";
    }
}
