package dev.acp.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.acp.Acp;
import dev.acp.config.AcpConfig;
import dev.acp.engine.LocalEngine;
import dev.acp.util.RetryPolicy;
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
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code acp models --refresh-prices} against mocks of OpenRouter and of fal's price list: the
 * stored prices give their steps a price in estimates and under cost limits; a failed refresh
 * keeps the old file, and one provider's failure does not stop the other's refresh.
 */
class RefreshPricesCommandTest {
    private static final String KEY = "sk-or-canary-5d1e8a0c3f7b9e2d4c6a";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-05T10:00:00Z"), ZoneOffset.UTC);
    private static final String MODELS = "/api/v1/models";
    private static final String CHAT = "/api/v1/chat/completions";
    private static final String FAL_KEY = "fal-canary-7c2e9d41:secret-b3a8f06e15";
    private static final String FAL_PRICING = "/fal-platform/v1/models/pricing";
    /** fal's answer: the catalog's flux-dev, and three endpoints only the pipeline below names. */
    private static final String FAL_LIST = """
            {"prices":[
              {"endpoint_id":"fal-ai/flux/dev","unit_price":0.025,"unit":"megapixels","currency":"USD"},
              {"endpoint_id":"fal-ai/ideogram/v2","unit_price":0.04,"unit":"image","currency":"USD"},
              {"endpoint_id":"fal-ai/recraft-20b","unit_price":0.05,"unit":"images","currency":"USD"},
              {"endpoint_id":"fal-ai/stable-diffusion-v35-large","unit_price":0.02,"unit":"image","currency":"USD"}
            ],"next_cursor":null,"has_more":false}""";
    /** fal models the catalog does not know, in a step, its fallback and a for_each template. */
    private static final String FAL_PIPELINE = """
            pipeline_name: fal_endpoints
            output_directory: out
            inputs:
              places: { type: list, default: ["a harbour", "a desert road"] }
            steps:
              - id: hero
                step_type: text_to_image
                provider: fal
                config: { prompt: "a lighthouse at dusk", model: "fal-ai/ideogram/v2" }
                fallback:
                  - { provider: fal, model: "fal-ai/recraft-20b" }
              - id: cards
                for_each: "{{inputs.places}}"
                steps:
                  - id: card
                    step_type: text_to_image
                    provider: fal
                    config: { prompt: "a postcard of {{item}}", model: "fal-ai/stable-diffusion-v35-large" }
                    output_filename: "card_{{index}}.png"
            """;
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
                config: { prompt: "a lighthouse at dusk", model: "anthropic/claude-3.5-sonnet", max_tokens: 200 }
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
                .env("FAL_KEY", FAL_KEY).env("ACP_FAL_PLATFORM_BASE_URL", server.baseUrl() + "/fal-platform")
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

    private Path falFile() {
        return dir.resolve(".acp-home").resolve("prices").resolve("fal.yaml");
    }

    /** fal answers with its list unless a test says otherwise (a later stub wins). */
    @BeforeEach
    void falAnswers() {
        fal(200, FAL_LIST);
    }

    private static void fal(int status, String body) {
        server.stubFor(get(urlPathEqualTo(FAL_PRICING)).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(body)));
    }

    /** The endpoint ids of every request fal got, comma-joined. */
    private static List<String> falAsked() {
        return server.findAll(getRequestedFor(urlPathEqualTo(FAL_PRICING))).stream()
                .map(r -> r.queryParameter("endpoint_id").firstValue()).toList();
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
        assertThat(before.out()).contains("unknown: no published price for openrouter/anthropic/claude-3.5-sonnet");
        String hint = "run 'acp models --refresh-prices' to fetch OpenRouter's published prices";
        assertThat(before.out().split(java.util.regex.Pattern.quote(hint), -1)).as("the hint, once").hasSize(2);
        CliRunner.Result refused = runner.run("pipeline", "run", "-c", "p.yaml", "--yes");
        assertThat(refused.exitCode()).isEqualTo(4);
        assertThat(refused.err()).contains("is unknown").contains(hint);
        server.verify(0, postRequestedFor(urlEqualTo(CHAT)));

        models(200, LIST);
        CliRunner.Result refresh = runner.run("models", "--refresh-prices");
        assertThat(refresh.exitCode()).as(refresh.err()).isZero();
        assertThat(refresh.out().lines()).contains("OpenRouter: 2 model prices written to " + pricesFile()
                + " (as_of 2026-12-05); 1 skipped without a usable price (openrouter/auto)");
        assertThat(Files.readString(pricesFile())).contains("version: 1").contains("""
                "openai/gpt-4o-mini": { unit: tokens, input_price: 0.15, output_price: 0.6, source: "OpenRouter GET\
                 /models", as_of: "2026-12-05" }""").contains("input_price: 3, output_price: 15");
        assertThat(Files.readString(pricesFile()) + refresh.out() + refresh.err()).doesNotContain(KEY);

        CliRunner.Result after = runner.run("pipeline", "estimate", "-c", "p.yaml", "--detailed");
        assertThat(after.exitCode()).as(after.err()).isZero();
        assertThat(after.out()).doesNotContain("unknown").doesNotContain(hint)
                .contains("openrouter/anthropic/claude-3.5-sonnet").contains("openrouter/openai/gpt-4o-mini")
                .contains("× $3.00/1M").contains("× $0.15/1M").contains("OpenRouter GET /models, 2026-12-05");
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
        assertThat(n).hasSize(2);
        // In the order of the installed providers.
        assertThat(n.get(0).get("provider").asText()).isEqualTo("fal");
        assertThat(n.get(0).get("file").asText()).isEqualTo(falFile().toString());
        assertThat(n.get(0).get("skipped").get(0).get("reason").asText()).isEqualTo("fal lists no price for this endpoint");
        assertThat(n.get(1).get("provider").asText()).isEqualTo("openrouter");
        assertThat(n.get(1).get("models").asInt()).isEqualTo(2);
        assertThat(n.get(1).get("file").asText()).isEqualTo(pricesFile().toString());
        assertThat(n.get(1).get("as_of").asText()).isEqualTo("2026-12-05");
        assertThat(n.get(1).get("skipped").get(0).get("model").asText()).isEqualTo("openrouter/auto");
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
        assertThat(refused.out()).doesNotContain("OpenRouter");

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
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("openrouter.yaml", "fal.yaml");
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

    @Test
    void fal_prices_are_written_and_price_a_pipelines_fal_models_named_with_config() throws IOException {
        Files.writeString(dir.resolve("fal.yaml"), FAL_PIPELINE);
        models(200, LIST);
        CliRunner runner = runner();
        CliRunner.Result before = runner.run("pipeline", "estimate", "-c", "fal.yaml");
        assertThat(before.exitCode()).as(before.err()).isZero();
        assertThat(before.out()).contains("unknown").contains("to fetch fal.ai's published prices");

        // Without --config fal is asked about the catalog's endpoints only.
        CliRunner.Result catalogOnly = runner.run("models", "--refresh-prices");
        assertThat(catalogOnly.exitCode()).as(catalogOnly.err()).isZero();
        assertThat(falAsked()).singleElement().asString().contains("fal-ai/flux/dev")
                .doesNotContain("fal-ai/ideogram/v2");
        server.resetRequests();

        CliRunner.Result refresh = runner.run("models", "--refresh-prices", "--config", "fal.yaml");
        assertThat(refresh.exitCode()).as(refresh.err()).isZero();
        // The step's model, its fallback's and the for_each template's join the catalog's endpoints, in one call.
        assertThat(falAsked()).singleElement().asString().contains("fal-ai/flux/dev").contains("fal-ai/ideogram/v2")
                .contains("fal-ai/recraft-20b").contains("fal-ai/stable-diffusion-v35-large");
        server.verify(getRequestedFor(urlPathEqualTo(FAL_PRICING)).withHeader("Authorization", equalTo("Key " + FAL_KEY)));
        assertThat(refresh.out().lines()).anySatisfy(l -> assertThat(l).startsWith("fal.ai: 4 model prices written to "
                + falFile() + " (as_of 2026-12-05); 14 skipped without a usable price ("));
        assertThat(Files.readString(falFile())).contains("""
                "fal-ai/ideogram/v2": { unit: image, price: 0.04, source: "fal Platform API GET /v1/models/pricing",\
                 as_of: "2026-12-05" }""").contains("\"fal-ai/flux/dev\": { unit: megapixel, price: 0.025");
        assertThat(Files.readString(falFile()) + refresh.out() + refresh.err()).doesNotContain(FAL_KEY)
                .doesNotContain("secret-b3a8f06e15");

        CliRunner.Result after = runner.run("pipeline", "estimate", "-c", "fal.yaml", "--detailed");
        assertThat(after.exitCode()).as(after.err()).isZero();
        assertThat(after.out()).doesNotContain("unknown").doesNotContain("fetch fal.ai")
                .contains("1 image × $0.04/image; fallbacks fal/fal-ai/recraft-20b $0.05")
                .contains("2 items × (1 image × $0.02/image)")
                .contains("$0.04/image (fal Platform API GET /v1/models/pricing, 2026-12-05)");
    }

    @Test
    void a_bad_fal_answer_keeps_fal_yaml_as_it_was_while_openrouter_is_written() throws IOException {
        models(200, LIST);
        CliRunner runner = runner();
        assertThat(runner.run("models", "--refresh-prices").exitCode()).isZero();
        byte[] stored = Files.readAllBytes(falFile());

        models(200, LIST.replace("0.00000015", "0.00000025"));
        fal(200, FAL_LIST.replace("\"unit\":\"images\"", "\"unit\":\"tokens\""));
        CliRunner.Result r = runner.run("models", "--refresh-prices");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("acp: error: fal.ai's prices were not refreshed: fal: the price of"
                + " fal-ai/recraft-20b is per 'tokens', a unit ACP cannot price (it knows image,"
                + " megapixel, second, compute second, 1k characters, character); set its price in"
                + " ACP_HOME/pricing.yaml (kept " + falFile() + ")");
        assertThat(Files.readAllBytes(falFile())).isEqualTo(stored);
        assertThat(r.out()).contains("OpenRouter: 2 model prices written to " + pricesFile());
        assertThat(Files.readString(pricesFile())).contains("input_price: 0.25");

        fal(401, "{\"detail\":\"Invalid key " + FAL_KEY + "\"}");
        CliRunner.Result refused = runner.run("models", "--refresh-prices");
        assertThat(refused.exitCode()).isEqualTo(3);
        assertThat(refused.err().strip()).startsWith("acp: error: fal.ai's prices were not refreshed: fal: HTTP 401")
                .contains("an API key or an admin API key").endsWith("(kept " + falFile() + ")")
                .doesNotContain(FAL_KEY).doesNotContain("secret-b3a8f06e15").doesNotContain("\n");
        assertThat(Files.readAllBytes(falFile())).isEqualTo(stored);
    }

    @Test
    void without_fal_key_fal_is_skipped_with_the_key_it_needs_and_is_an_error_only_when_a_named_pipeline_uses_it()
            throws IOException {
        models(200, LIST);
        // A user of OpenRouter alone refreshes without a fal key: fal is skipped, and that is not a failure.
        CliRunner.Result r = runner().env("FAL_KEY", "").run("models", "--refresh-prices");
        assertThat(r.exitCode()).isZero();
        assertThat(r.err().strip()).isEqualTo("acp: fal.ai's prices were not refreshed: FAL_KEY is not set; fal's"
                + " price list needs a key");
        assertThat(falFile()).doesNotExist();
        assertThat(pricesFile()).exists();
        server.verify(0, getRequestedFor(urlPathEqualTo(FAL_PRICING)));
        // Asked for a pipeline's fal models without the key: that request failed, exit 3.
        Files.writeString(dir.resolve("fal.yaml"), FAL_PIPELINE);
        CliRunner.Result asked = runner().env("FAL_KEY", "").run("models", "--refresh-prices", "--config", "fal.yaml");
        assertThat(asked.exitCode()).isEqualTo(3);
        assertThat(asked.err()).contains("acp: error: fal.ai's prices were not refreshed: FAL_KEY is not set");
        server.verify(0, getRequestedFor(urlPathEqualTo(FAL_PRICING)));
    }

    @Test
    void a_pipeline_that_does_not_validate_stops_the_refresh_before_anything_is_fetched() throws IOException {
        Files.writeString(dir.resolve("bad.yaml"), FAL_PIPELINE.replace("step_type: text_to_image\n    provider",
                "step_type: text_to_imagery\n    provider"));
        CliRunner.Result r = runner().run("models", "--refresh-prices", "--config", "bad.yaml");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("bad.yaml").contains("text_to_imagery");
        assertThat(r.out()).isEmpty();
        server.verify(0, anyRequestedFor(anyUrl()));

        CliRunner.Result missing = runner().run("models", "--refresh-prices", "--config", "nowhere.yaml");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("nowhere.yaml");
        server.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void config_without_refresh_prices_is_a_usage_error() {
        CliRunner.Result r = runner().run("models", "--config", "p.yaml");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--refresh-prices");
    }
}
