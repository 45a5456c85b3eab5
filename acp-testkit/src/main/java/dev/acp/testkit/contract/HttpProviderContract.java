package dev.acp.testkit.contract;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.http.ErrorMapper;
import dev.acp.pipeline.Capability;
import dev.acp.provider.Provider;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import dev.acp.provider.StepContext;
import dev.acp.provider.Usage;
import dev.acp.testkit.hostile.HostileServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract every HTTP provider keeps, whatever its API looks like: how its failures are
 * classified ({@link ErrorKind}, which decides retries, fallbacks and the CLI's exit code), that
 * its key never shows in a message nor goes to another origin, that a paid call is sent once,
 * that the waits a provider asks for are honoured, that time limits, stalls, the size limit and
 * the content check hold, and that a cancelled call stops. A provider's test extends this class
 * (or {@link JobProviderContract}) and supplies how the provider is built, one valid request, and
 * WireMock stubs in its own API's shape.
 *
 * <p>What a good result is and how it is checked depends on how the provider delivers it
 * ({@link #delivery()}): a media file behind a URL, the media as the paid answer itself, media as
 * base64 inside a JSON answer, or text inside a JSON answer (with the tokens it used). Every rule
 * runs for every delivery, shaped to it; the few that cannot apply to a delivery (a result on
 * another origin needs a result URL) must be declared by the provider in {@link #notApplicable()}
 * with the reason, and the suite fails a provider that leaves one out or declares one that applies.
 *
 * <p>Two servers run per test: {@link #api}, the provider's configured base URL, and
 * {@link #elsewhere()}, another port on the same host: another origin, which must never receive the
 * key. Where a provider legitimately differs, it overrides an {@code expected...} method and says
 * why, instead of skipping a test.
 */
@Timeout(60)
public abstract class HttpProviderContract {
    /** The time limit each provider is built with: generous, since a loaded build machine is slow. */
    protected static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    /** The time limit of the timeout and stall tests, whose server answers much later than this. */
    protected static final Duration SHORT_TIMEOUT = Duration.ofMillis(400);
    /** Where the suite serves a result that the provider's answer points at. */
    protected static final String MEDIA_PATH = "/contract-media/result";
    /** The provider's own words in every error body the suite stubs, to check they are quoted. */
    protected static final String PROVIDER_SAYS = "contract says no";

    /** The tokens a {@link MediaKind#TEXT} answer reports for its prompt: the usage the provider must pass on. */
    protected static final long PROMPT_TOKENS = 21;
    /** The tokens a {@link MediaKind#TEXT} answer reports for itself. */
    protected static final long ANSWER_TOKENS = 34;

    /** How a provider hands over its result. */
    protected enum Delivery {
        /** The paid call's answer is the media itself (ElevenLabs, OpenAI speech). */
        INLINE,
        /** An answer names a URL the media is downloaded from (fal, Replicate, Veo, Runware, OpenAI images). */
        URL,
        /** The paid call's JSON answer carries the media as base64 (OpenAI images' {@code b64_json}). */
        EMBEDDED,
        /**
         * The paid call's JSON answer carries the result as text, with its token usage (chat
         * completions, Gemini); the provider returns it and writes no file. Needs {@link MediaKind#TEXT}.
         */
        TEXT
    }

    /** Rules of the suite that cannot apply to every delivery; a provider they do not fit declares them. */
    protected enum Rule {
        /** A result served from another origin is fetched without the key: only a result named by URL is fetched. */
        RESULT_ON_ANOTHER_ORIGIN
    }

    @TempDir
    protected Path dir;

    /** The provider's configured base URL. */
    protected WireMockServer api;
    /** Another origin, started by the first test that needs it (most do not): see {@link #elsewhere()}. */
    private @Nullable WireMockServer elsewhere;
    /** The contexts of the provider under test; a new {@link ContractContexts} is a restart. */
    protected ContractContexts contexts;

    // ---- what a provider's test supplies ------------------------------------------------------

    /** The API key the provider is given; must never show in a message or reach another origin. */
    protected abstract String key();

    /** The environment that gives the provider {@link #key()} and points it at {@code baseUrl}. */
    protected abstract Map<String, String> environment(String baseUrl);

    /** The provider under test, built with {@code context} and every time limit set to {@code callTimeout}. */
    protected abstract Provider provider(ProviderContext context, Duration callTimeout);

    /**
     * {@code context} with the provider's time-limit variable set to {@code callTimeout}, for
     * providers that read their call's time limit from the environment (OpenAI, OpenRouter).
     */
    protected static ProviderContext withTimeoutVariable(ProviderContext context, String variable,
            Duration callTimeout) {
        Map<String, String> env = new java.util.HashMap<>(context.environment().asMap());
        env.put(variable, String.valueOf(callTimeout.toMillis() / 1000.0));
        return new ProviderContext(dev.acp.env.Environment.of(env), context.acpHome(), context.clock(),
                context.transport(), context.governors(), context.config());
    }

    /** A minimal valid request of one of the provider's capabilities, writing {@code outputFile}. */
    protected abstract ProviderRequest request(Path outputFile);

    /** What the request produces. */
    protected abstract MediaKind mediaKind();

    protected abstract Delivery delivery();

    /**
     * The request that costs money (for a job provider, the submission), as a fresh WireMock
     * mapping without a response: the suite makes it fail in every way.
     */
    protected abstract MappingBuilder paidCall();

    /**
     * Stubs a successful run of {@link #request}: the paid call (and any job flow) answering with
     * {@code mediaUrl} for a {@link Delivery#URL} provider, or with {@code media} as the answer
     * itself for an {@link Delivery#INLINE} one. The suite serves {@code media} at {@code mediaUrl}.
     * Only those deliveries supply it; the others answer through {@link #answerCarrying}.
     */
    protected void stubSuccess(String mediaUrl, ResponseDefinitionBuilder media) {
        throw new AssertionError("a provider whose delivery is " + delivery() + " answers through answerCarrying,"
                + " not stubSuccess");
    }

    /**
     * The paid call's successful answer carrying {@code payload} in the provider's own shape: the
     * media as base64 for {@link Delivery#EMBEDDED}; for {@link Delivery#TEXT} the payload as the
     * answer's text (UTF-8), reporting {@link #PROMPT_TOKENS} and {@link #ANSWER_TOKENS}. Only
     * those deliveries supply it.
     */
    protected ResponseDefinitionBuilder answerCarrying(byte[] payload) {
        throw new AssertionError("a provider whose delivery is " + delivery() + " answers through stubSuccess,"
                + " not answerCarrying");
    }

    /**
     * The rules that do not apply to this provider, each with the reason a reader of the test
     * sees; none by default. The suite checks the list against {@link #delivery()}.
     */
    protected Map<Rule, String> notApplicable() {
        return Map.of();
    }

    /**
     * Whether an answer that is a web page instead of the API's JSON may be asked for again. No
     * by default: the same page would come again. Only for {@link Delivery#TEXT}, where the page
     * stands in for the whole answer, may a provider say otherwise, and say why.
     */
    protected boolean pageInsteadOfAnswerRetryable() {
        return false;
    }

    /** Free calls the provider makes before the paid one (a voice lookup); none by default. */
    protected void stubPrerequisites() {}

    /** An error body in the provider's own shape, carrying {@code message}. */
    protected String errorBody(int status, String message) {
        return "{\"error\":{\"message\":\"" + message + "\"}}";
    }

    // ---- where a provider may differ, each documented where it is overridden -------------------

    /** The kind an error status of the paid call is classified as; the documented table by default. */
    protected ErrorKind expectedKind(int status) {
        return ErrorMapper.byStatus(status);
    }

    /**
     * How often the paid call is sent when it answers {@code status}: once by default, since
     * only the engine, which knows whether the provider deduplicates, may send it again.
     */
    protected int expectedPaidAttempts(int status) {
        return 1;
    }

    /**
     * The kind of a paid call whose answer was lost after it was sent (a reset, a time limit):
     * the provider may have done and billed it, so it is an unknown outcome, never retried.
     */
    protected ErrorKind expectedKindWhenAnswerLost() {
        return ErrorKind.UNKNOWN_OUTCOME;
    }

    /** How often the paid call is sent when its answer is lost: once, for the same reason. */
    protected int expectedPaidAttemptsWhenAnswerLost() {
        return 1;
    }

    /** Runs the request as a library user would (for job providers: submit, poll, fetch). */
    protected Object run(Provider provider, ProviderRequest request) throws Exception {
        return provider.execute(request);
    }

    /**
     * Runs the request with {@link #SHORT_TIMEOUT} on the download of its result. By default the
     * whole run has that limit; a job provider's gives it to the fetch alone, so that a slow
     * build machine cannot time out the calls before it.
     */
    protected Object runWithShortDownload(ProviderRequest request) throws Exception {
        return run(provider(contexts.context(), SHORT_TIMEOUT), request);
    }

    // ---- set-up --------------------------------------------------------------------------------

    @BeforeEach
    final void startServers() throws IOException {
        api = new WireMockServer(options().dynamicPort());
        api.start();
        contexts = new ContractContexts(environment(api.baseUrl()), dir.resolve("home"));
        Files.createDirectories(outputFolder());
        Files.createDirectories(dir.resolve("scratch"));
        assertThat(delivery() == Delivery.TEXT).as("a TEXT delivery and a TEXT result go together (%s, %s)",
                delivery(), mediaKind()).isEqualTo(mediaKind() == MediaKind.TEXT);
    }

    @AfterEach
    final void stopServers() {
        api.stop();
        WireMockServer other = elsewhere;
        if (other != null) {
            other.stop();
            elsewhere = null;
        }
    }

    /**
     * Another origin (same host, another port): never to receive the key. Started on first use,
     * since a server per test that most tests never call costs the whole suite seconds.
     */
    protected final WireMockServer elsewhere() {
        WireMockServer s = elsewhere;
        if (s == null) {
            s = new WireMockServer(options().dynamicPort());
            s.start();
            elsewhere = s;
        }
        return s;
    }

    protected final Path outputFolder() {
        return dir.resolve("out");
    }

    protected final Path outputFile() {
        return outputFolder().resolve("result." + mediaKind().extension());
    }

    /** The provider under test with the suite's short time limits. */
    protected final Provider provider() {
        return provider(contexts.context(), CALL_TIMEOUT);
    }

    /** A request as the engine makes it (the model also among the parameters); scratch in the test folder. */
    protected final ProviderRequest request(Capability capability, @Nullable String model,
            Map<String, Object> parameters, Path output) {
        Map<String, Object> p = new HashMap<>(parameters);
        if (model != null) {
            p.put("model", model);
        }
        Path scratch = dir.resolve("scratch");
        return new ProviderRequest("contract-step", capability, model, p, output, new StepContext() {
            @Override
            public String runId() {
                return "contract-run";
            }

            @Override
            public Path scratchDirectory() {
                return scratch;
            }

            @Override
            public void progress(double fraction, String message) {
                // not needed
            }
        });
    }

    /** A good result of {@link #mediaKind()}. */
    protected final ResponseDefinitionBuilder media() {
        return aResponse().withStatus(200).withHeader("Content-Type", mediaKind().contentType())
                .withBody(mediaKind().bytes());
    }

    /** Serves {@code media} at {@link #MEDIA_PATH} on {@code server} and returns its URL. */
    protected final String serve(WireMockServer server, ResponseDefinitionBuilder media) {
        server.stubFor(get(urlPathEqualTo(MEDIA_PATH)).willReturn(media));
        return server.baseUrl() + MEDIA_PATH;
    }

    /**
     * Stubs a successful run whose result is {@code payload}, however the provider delivers it;
     * {@code shape} is applied to the response that carries it (the served media, or the paid
     * answer): a delay, a header.
     */
    protected final void stubDelivering(byte[] payload, UnaryOperator<ResponseDefinitionBuilder> shape) {
        switch (delivery()) {
            case URL, INLINE -> {
                ResponseDefinitionBuilder media = shape.apply(aResponse().withStatus(200)
                        .withHeader("Content-Type", mediaKind().contentType()).withBody(payload));
                stubSuccess(serve(api, media), media);
            }
            case EMBEDDED, TEXT -> paidCallAnswers(shape.apply(answerCarrying(payload)));
        }
    }

    /** The good answer of the paid call: what a slow or cancelled call is slow with. */
    private ResponseDefinitionBuilder goodPaidAnswer() {
        return switch (delivery()) {
            case URL, INLINE -> media();
            case EMBEDDED, TEXT -> answerCarrying(mediaKind().bytes());
        };
    }

    /** The run's result is the good one: the file written with the media, or the text and its tokens returned. */
    protected final void assertKept(@Nullable Object result) {
        assertThat(result).as("the run's result").isInstanceOf(ProviderResult.class);
        ProviderResult r = (ProviderResult) result;
        if (delivery() == Delivery.TEXT) {
            assertThat(r.text()).as("the answer's text, unchanged").isEqualTo(mediaKind().text());
            assertThat(r.wroteFile()).as("a text result is written by the engine, not the provider").isFalse();
            assertThat(r.usage()).as("the tokens the answer reported, for pricing")
                    .isEqualTo(new Usage.Tokens(PROMPT_TOKENS, ANSWER_TOKENS));
            assertNothingLeft();
        } else {
            assertThat(r.wroteFile()).isTrue();
            assertThat(outputFile()).hasBinaryContent(mediaKind().bytes());
        }
    }

    /**
     * Goes on only when {@code rule} applies to this provider: one that cannot apply to its
     * delivery must be declared in {@link #notApplicable()} (and is then reported as skipped with
     * the reason), and one that applies must not be.
     */
    private void requireApplies(Rule rule) {
        String reason = notApplicable().get(rule);
        boolean applies = switch (rule) {
            case RESULT_ON_ANOTHER_ORIGIN -> delivery() == Delivery.URL;
        };
        if (applies) {
            assertThat(reason).as("%s applies to a provider whose delivery is %s: remove it from notApplicable()",
                    rule, delivery()).isNull();
            return;
        }
        assertThat(reason).as("%s cannot apply to a provider whose delivery is %s: declare it in notApplicable()"
                + " with the reason", rule, delivery()).isNotBlank();
        Assumptions.abort(rule + " does not apply: " + reason);
    }

    /** Stubs the paid call to answer with {@code answer}, after any free calls before it. */
    protected final void paidCallAnswers(ResponseDefinitionBuilder answer) {
        stubPrerequisites();
        api.stubFor(paidCall().willReturn(answer));
    }

    protected final int paidCallsReceived() {
        return api.findAll(RequestPatternBuilder.like(paidCall().willReturn(aResponse()).build().getRequest())).size();
    }

    protected final ResponseDefinitionBuilder error(int status) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody(errorBody(status, PROVIDER_SAYS + " to key " + key()));
    }

    /** The failure of running the request; fails the test if it succeeded or threw anything else. */
    protected final ProviderException failure(Provider provider) {
        Throwable t = catchThrowable(() -> run(provider, request(outputFile())));
        assertThat(t).as("the run's failure").isInstanceOf(ProviderException.class);
        return (ProviderException) t;
    }

    /** A message a user may see: one line, no key, no Java class name. */
    protected final void assertUserMessage(ProviderException e) {
        assertThat(e.getMessage()).doesNotContain(key()).doesNotContain("\n")
                .doesNotContainPattern("\\bjava\\.|\\b[A-Z][A-Za-z]*Exception\\b");
    }

    /** Nothing of a failed attempt is left in the output folder. */
    protected final void assertNothingLeft() {
        try (Stream<Path> files = Files.list(outputFolder())) {
            assertThat(files.toList()).as("files left in the output folder").isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether a received request holds the key anywhere: a header, or the URL (a query parameter). */
    protected final boolean carriesKey(LoggedRequest r) {
        String url = r.getAbsoluteUrl();
        if (url.contains(key()) || url.contains(java.net.URLEncoder.encode(key(), StandardCharsets.UTF_8))) {
            return true;
        }
        return r.getHeaders().all().stream().anyMatch(h -> h.values().stream().anyMatch(v -> v.contains(key())));
    }

    // ---- the contract --------------------------------------------------------------------------

    @Test
    void a_good_answer_is_kept_as_the_result_with_the_key_sent_once() throws Exception {
        stubDelivering(mediaKind().bytes(), r -> r);

        Object result = run(provider(), request(outputFile()));

        assertKept(result);
        assertThat(paidCallsReceived()).isEqualTo(1);
        assertThat(api.findAll(paidCallPattern())).allMatch(this::carriesKey);
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {401, 403})
    void a_refused_key_is_a_credentials_error_with_the_key_masked(int status) {
        paidCallAnswers(error(status));

        ProviderException e = failure(provider());

        // AUTH is what the CLI turns into exit code 3 (credentials): never retried, no fallback.
        assertThat(e.kind()).isEqualTo(ErrorKind.AUTH);
        assertThat(e.retryable()).isFalse();
        assertUserMessage(e);
        assertThat(paidCallsReceived()).isEqualTo(1);
        assertNothingLeft();
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {400, 404, 413, 422, 429, 500, 502, 503})
    void an_error_status_is_classified_once_and_quoted_without_the_key(int status) {
        paidCallAnswers(error(status));

        ProviderException e = failure(provider());

        assertThat(e.kind()).isEqualTo(expectedKind(status));
        assertThat(e.getMessage()).contains(PROVIDER_SAYS);
        assertUserMessage(e);
        assertThat(paidCallsReceived()).isEqualTo(expectedPaidAttempts(status));
        assertNothingLeft();
    }

    @Test
    void a_rate_limit_carries_its_retry_after_and_was_not_accepted() {
        paidCallAnswers(error(429).withHeader("Retry-After", "7"));

        ProviderException e = failure(provider());

        assertThat(e.kind()).isEqualTo(expectedKind(429));
        // The engine waits what the provider asked for; a 429 turned the request away unpaid.
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
        assertThat(e.notAccepted()).isEqualTo(e.retryable());
        assertThat(paidCallsReceived()).isEqualTo(expectedPaidAttempts(429));
        // Any wait the provider's own calls did in between (a retried free call) is the one asked for.
        assertThat(contexts.sleeps()).allSatisfy(d -> assertThat(d).isEqualTo(Duration.ofSeconds(7)));
    }

    @Test
    void a_paid_call_whose_connection_is_reset_after_sending_is_not_sent_again() {
        paidCallAnswers(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));

        ProviderException e = failure(provider());

        assertThat(e.kind()).isEqualTo(expectedKindWhenAnswerLost());
        assertUserMessage(e);
        assertThat(paidCallsReceived()).isEqualTo(expectedPaidAttemptsWhenAnswerLost());
        assertNothingLeft();
    }

    @Test
    void a_refused_connection_is_transient_and_certainly_unpaid() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        ContractContexts nowhere = new ContractContexts(environment("http://127.0.0.1:" + closed), dir.resolve("home"));

        ProviderException e = failure(provider(nowhere.context(), CALL_TIMEOUT));

        assertThat(e.kind()).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(e.notAccepted()).as("nothing was sent, so nothing can have been billed").isTrue();
        assertUserMessage(e);
        assertNothingLeft();
    }

    @Test
    void a_paid_call_answering_after_its_time_limit_is_not_sent_again() {
        paidCallAnswers(error(500).withFixedDelay((int) SHORT_TIMEOUT.toMillis() * 5));

        ProviderException e = failure(provider(contexts.context(), SHORT_TIMEOUT));

        assertThat(e.kind()).isEqualTo(expectedKindWhenAnswerLost());
        assertUserMessage(e);
        assertThat(paidCallsReceived()).isEqualTo(expectedPaidAttemptsWhenAnswerLost());
        assertNothingLeft();
    }

    @Test
    void a_result_that_stops_arriving_fails_instead_of_hanging() {
        if (delivery() != Delivery.URL) {
            // The paid answer is (or carries) the result: one that comes too slowly may have been billed.
            stubDelivering(mediaKind().bytes(), r -> r.withChunkedDribbleDelay(2, (int) SHORT_TIMEOUT.toMillis() * 10));

            ProviderException e = failure(provider(contexts.context(), SHORT_TIMEOUT));

            assertThat(e.kind()).isEqualTo(ErrorKind.UNKNOWN_OUTCOME);
            assertUserMessage(e);
            assertNothingLeft();
            return;
        }
        // Headers and the first bytes at once, then nothing: only a watch on the body itself ends this.
        try (HostileServer stalling = HostileServer.start()) {
            byte[] start = mediaKind().bytes();
            stalling.on(MEDIA_PATH, exchange -> {
                exchange.getResponseHeaders().add("Content-Type", mediaKind().contentType());
                exchange.sendResponseHeaders(200, 0);
                OutputStream out = exchange.getResponseBody();
                out.write(start);
                out.flush();
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
            });
            stubSuccess(stalling.baseUrl() + MEDIA_PATH, media());

            Throwable t = catchThrowable(() -> runWithShortDownload(request(outputFile())));

            assertThat(t).isInstanceOf(ProviderException.class);
            ProviderException e = (ProviderException) t;

            assertThat(e.retryable()).as("a download that stalled can be fetched again: %s (%s)", e.getMessage(), e.kind())
                    .isTrue();
            assertThat(stalling.received(MEDIA_PATH)).as("the result was asked for").isNotEmpty();
            assertUserMessage(e);
            assertNothingLeft();
        }
    }

    @Test
    void a_result_over_the_size_limit_fails_at_once_and_is_not_fetched_again() {
        // Announced far over any provider's limit: refused before a byte is written.
        stubDelivering(mediaKind().bytes(), r -> r.withHeader("Content-Length", String.valueOf(1L << 40)));

        ProviderException e = failure(provider());

        assertThat(e.retryable()).as("an answer over the limit never fits, however often it is asked for").isFalse();
        assertThat(e.getMessage()).contains("limit");
        assertUserMessage(e);
        if (delivery() == Delivery.URL) {
            api.verify(1, getRequestedFor(urlPathEqualTo(MEDIA_PATH)));
        } else {
            assertThat(paidCallsReceived()).isEqualTo(1);
        }
        assertNothingLeft();
    }

    @Test
    void an_html_page_sent_as_the_result_fails_the_content_check() {
        byte[] page = "<!DOCTYPE html><html><body>Sign in to continue</body></html>".getBytes(StandardCharsets.UTF_8);
        if (delivery() == Delivery.TEXT) {
            // Text has no first bytes to check: the page stands in for the API's whole JSON answer.
            paidCallAnswers(aResponse().withStatus(200).withHeader("Content-Type", "text/html").withBody(page));
        } else {
            stubDelivering(page, r -> r);
        }

        ProviderException e = failure(provider());

        assertThat(e.retryable()).as("the same page would come again").isEqualTo(delivery() == Delivery.TEXT
                && pageInsteadOfAnswerRetryable());
        assertThat(e.getMessage()).containsIgnoringCase("html");
        assertUserMessage(e);
        assertNothingLeft();
    }

    @Test
    void a_result_on_another_origin_is_fetched_without_the_key() throws Exception {
        requireApplies(Rule.RESULT_ON_ANOTHER_ORIGIN);
        String url = serve(elsewhere(), media());
        stubSuccess(url, media());

        Object result = run(provider(), request(outputFile()));

        assertKept(result);
        assertThat(api.findAll(anyRequestedFor(anyUrl()))).as("the key went to the configured origin")
                .anyMatch(this::carriesKey);
        assertThat(elsewhere().findAll(anyRequestedFor(anyUrl()))).noneMatch(this::carriesKey);
        elsewhere().verify(1, getRequestedFor(urlPathEqualTo(MEDIA_PATH)));
    }

    @Test
    void a_redirect_of_the_paid_call_to_another_origin_takes_no_key_along() {
        elsewhere().stubFor(com.github.tomakehurst.wiremock.client.WireMock.any(anyUrl())
                .willReturn(aResponse().withStatus(500)));
        paidCallAnswers(aResponse().withStatus(307).withHeader("Location", elsewhere().baseUrl() + "/moved"));

        catchThrowable(() -> run(provider(), request(outputFile())));

        assertThat(paidCallsReceived()).isEqualTo(1);
        assertThat(api.findAll(paidCallPattern())).allMatch(this::carriesKey);
        assertThat(elsewhere().findAll(anyRequestedFor(anyUrl()))).noneMatch(this::carriesKey);
    }

    @Test
    void a_cancelled_call_stops_at_once_and_leaves_nothing() throws Exception {
        paidCallAnswers(goodPaidAnswer().withFixedDelay(30_000));
        Provider patient = provider(contexts.context(), Duration.ofSeconds(40));
        AtomicReference<@Nullable Throwable> outcome = new AtomicReference<>();
        Thread call = Thread.ofVirtual().start(() -> outcome.set(catchThrowable(() -> run(patient,
                request(outputFile())))));

        awaitPaidCall();
        call.interrupt();
        call.join(Duration.ofSeconds(20));

        assertThat(call.isAlive()).as("the call still runs after it was cancelled").isFalse();
        assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
        assertNothingLeft();
    }

    private RequestPatternBuilder paidCallPattern() {
        return RequestPatternBuilder.like(paidCall().willReturn(aResponse()).build().getRequest());
    }

    /** Waits until the paid call reached the server (bounded: a broken provider fails the test, never hangs it). */
    private void awaitPaidCall() throws InterruptedException {
        for (int i = 0; i < 200 && paidCallsReceived() == 0; i++) {
            Thread.sleep(50);
        }
        assertThat(paidCallsReceived()).as("the paid call was sent").isEqualTo(1);
    }

    /** The waits the transport asked for so far. */
    protected final List<Duration> sleeps() {
        return contexts.sleeps();
    }

    /** For subclasses: the failure of {@code call}, which must be a {@link ProviderException}. */
    protected static ProviderException providerFailure(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        return Optional.ofNullable(catchThrowableOfType(ProviderException.class, call))
                .orElseThrow(() -> new AssertionError("expected a provider failure"));
    }
}
