package dev.acp.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.acp.Acp;
import dev.acp.config.AcpConfig;
import dev.acp.engine.LocalEngine;
import dev.acp.engine.RetryPolicy;
import dev.acp.http.Governors;
import dev.acp.http.HttpTransport;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderRegistry;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code acp models --refresh-prices} against a mock of OpenRouter: the stored prices give its
 * steps a price in estimates and under cost limits; a failed refresh keeps the old file.
 */
class RefreshPricesCommandTest {
    private static final String KEY = "sk-or-canary-5d1e8a0c3f7b9e2d4c6a";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-05T10:00:00Z"), ZoneOffset.UTC);
    private static final String MODELS = "/api/v1/models";
    private static final String CHAT = "/api/v1/chat/completions";
    private static final String LIST = """
            {"data":[
              {"id":"openai/gpt-4o-mini","name":"GPT-4o-mini","context_length":128000,
               "pricing":{"prompt":"0.00000015","completion":"0.0000006","request":"0","image":"0.000217"}},
              {"id":"openrouter/auto","name":"Auto Router","pricing":{"prompt":"-1","completion":"-1"}},
              {"id":"anthropic/claude-3.5-sonnet","name":"Claude","pricing":{"prompt":"0.000003","completion":"0.000015"}}
            ]}""";
    private static final String PIPELINE = """
            pipeline_name: priced_chat
            output_directory: out
            global_config: { cost_limit: 1 }
            steps:
              - step_type: prompt_generation
                id: idea
                provider: openrouter
                config: { prompt: "a lighthouse at dusk", model: openrouter-chat, max_tokens: 200 }
              - step_type: prompt_generation
                id: again
                provider: openrouter
                depends_on: []
                config: { prompt: "a lighthouse at dawn", model: "openai/gpt-4o-mini", max_tokens: 200 }
            """;

    @RegisterExtension
    static final WireMockExtension server = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort()).failOnUnmatchedRequests(true).build();

    @TempDir
    Path dir;

    /** The real providers, a transport that never sleeps between attempts, and a fixed day. */
    private CliRunner runner() {
        return new CliRunner(dir).env("OPENROUTER_API_KEY", KEY)
                .env("ACP_OPENROUTER_BASE_URL", server.baseUrl() + "/api/v1")
                .acpFactory(env -> {
                    HttpTransport transport = new HttpTransport(HttpClient.newBuilder()
                            .version(HttpClient.Version.HTTP_1_1).build(), CLOCK, d -> {}, RandomGenerator.getDefault(),
                            new RetryPolicy(Duration.ZERO, Duration.ZERO));
                    ProviderContext context = new ProviderContext(env, Acp.acpHome(env), CLOCK, transport,
                            new Governors(env, AcpConfig.empty(), CLOCK, d -> {}), AcpConfig.empty());
                    return Acp.create(env, ProviderRegistry.discover(context), LocalEngine.Options.defaults(env));
                });
    }

    private Path pricesFile() {
        return dir.resolve(".acp-home").resolve("prices").resolve("openrouter.yaml");
    }

    private static void models(int status, String body) {
        server.stubFor(get(urlEqualTo(MODELS)).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(body)));
    }

    private static void chatAnswers() {
        server.stubFor(post(urlEqualTo(CHAT)).willReturn(okJson("""
                {"id":"gen-1","object":"chat.completion","created":1772366400,"model":"openai/gpt-4o-mini",
                 "choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"A lighthouse."}}],
                 "usage":{"prompt_tokens":30,"completion_tokens":5,"total_tokens":35,"cost":0.00001}}""")));
    }

    @Test
    void refreshed_prices_price_openrouter_steps_in_estimates_and_under_a_limit() throws IOException {
        Files.writeString(dir.resolve("p.yaml"), PIPELINE);
        CliRunner runner = runner();

        CliRunner.Result before = runner.run("pipeline", "estimate", "-c", "p.yaml");
        assertThat(before.exitCode()).as(before.err()).isZero();
        assertThat(before.out()).contains("unknown: no documented price for openrouter/openrouter-chat");
        String hint = "run 'acp models --refresh-prices' to fetch OpenRouter's published prices";
        assertThat(before.out().split(java.util.regex.Pattern.quote(hint), -1)).as("the hint, once").hasSize(2);
        CliRunner.Result refused = runner.run("pipeline", "run", "-c", "p.yaml", "--yes");
        assertThat(refused.exitCode()).isEqualTo(4);
        assertThat(refused.err()).contains("is unknown").contains(hint);
        server.verify(0, postRequestedFor(urlEqualTo(CHAT)));

        models(200, LIST);
        CliRunner.Result refresh = runner.run("models", "--refresh-prices");
        assertThat(refresh.exitCode()).as(refresh.err()).isZero();
        assertThat(refresh.out().strip()).isEqualTo("OpenRouter: 2 model prices written to " + pricesFile()
                + " (as_of 2026-12-05); 1 skipped without a usable price (openrouter/auto)");
        assertThat(Files.readString(pricesFile())).contains("version: 1").contains("""
                "openai/gpt-4o-mini": { unit: tokens, input_price: 0.15, output_price: 0.6, source: "OpenRouter GET\
                 /models", as_of: "2026-12-05" }""").contains("input_price: 3, output_price: 15");
        assertThat(Files.readString(pricesFile()) + refresh.out() + refresh.err()).doesNotContain(KEY);

        CliRunner.Result after = runner.run("pipeline", "estimate", "-c", "p.yaml", "--detailed");
        assertThat(after.exitCode()).as(after.err()).isZero();
        assertThat(after.out()).doesNotContain("unknown").doesNotContain(hint)
                .contains("openrouter/openrouter-chat").contains("openrouter/openai/gpt-4o-mini")
                .contains("× $0.15/1M").contains("OpenRouter GET /models, 2026-12-05");
        CliRunner.Result models = runner.run("models");
        assertThat(models.out()).containsPattern("openrouter-chat +openrouter +prompt_generation +\\$0\\.15 in");

        chatAnswers();
        CliRunner.Result run = runner.run("pipeline", "run", "-c", "p.yaml", "--yes");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).doesNotContain("unknown");
        server.verify(2, postRequestedFor(urlEqualTo(CHAT)));
    }

    @Test
    void with_format_json_the_refresh_reports_each_provider_as_json() throws IOException {
        models(200, LIST);
        CliRunner.Result r = runner().run("models", "--refresh-prices", "--format", "json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        com.fasterxml.jackson.databind.JsonNode n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
        assertThat(n.isArray()).isTrue();
        assertThat(n).hasSize(1);
        assertThat(n.get(0).get("provider").asText()).isEqualTo("openrouter");
        assertThat(n.get(0).get("models").asInt()).isEqualTo(2);
        assertThat(n.get(0).get("file").asText()).isEqualTo(pricesFile().toString());
        assertThat(n.get(0).get("as_of").asText()).isEqualTo("2026-12-05");
        assertThat(n.get(0).get("skipped").get(0).get("model").asText()).isEqualTo("openrouter/auto");
    }

    @Test
    void a_failed_refresh_says_why_in_one_line_and_keeps_the_old_prices() throws IOException {
        models(200, LIST);
        CliRunner runner = runner();
        assertThat(runner.run("models", "--refresh-prices").exitCode()).isZero();
        String stored = Files.readString(pricesFile());

        models(401, "{\"error\":{\"code\":401,\"message\":\"User not found for " + KEY + "\"}}");
        CliRunner.Result refused = runner.run("models", "--refresh-prices");
        assertThat(refused.exitCode()).isEqualTo(3);
        assertThat(refused.err().strip()).startsWith("acp: error: OpenRouter's prices were not refreshed: openrouter:")
                .contains("HTTP 401").contains("OPENROUTER_API_KEY").endsWith("(kept " + pricesFile() + ")")
                .doesNotContain(KEY).doesNotContain("\n");
        assertThat(refused.out()).isEmpty();

        models(503, "{\"error\":{\"code\":503,\"message\":\"Service unavailable\"}}");
        CliRunner.Result down = runner.run("models", "--refresh-prices");
        assertThat(down.exitCode()).isEqualTo(1);
        assertThat(down.err()).contains("HTTP 503");

        models(200, "<html>maintenance</html>");
        CliRunner.Result garbage = runner.run("models", "--refresh-prices");
        assertThat(garbage.exitCode()).isEqualTo(1);
        assertThat(garbage.err()).contains("not valid JSON");

        assertThat(Files.readString(pricesFile())).isEqualTo(stored);
        try (var files = Files.list(pricesFile().getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("openrouter.yaml");
        }
    }

    @Test
    void a_first_refresh_that_fails_writes_nothing() {
        models(429, "{\"error\":{\"code\":429,\"message\":\"Rate limit exceeded\"}}");
        CliRunner.Result r = runner().run("models", "--refresh-prices");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("HTTP 429").doesNotContain("kept");
        assertThat(pricesFile()).doesNotExist();
        server.verify(5, getRequestedFor(urlEqualTo(MODELS)));
    }
}
