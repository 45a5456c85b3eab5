package dev.acp.providers.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.acp.providers.openai.ChatFixtures.CANARY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.acp.cost.BillingUnit;
import dev.acp.cost.PriceEntry;
import dev.acp.cost.PublishedPrices;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.provider.Provider;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** OpenRouter's price list against a mock of {@code GET /models} (providers.md 3.4); nothing else may be asked. */
final class OpenRouterPricesContractTest {
    private static final String PATH = "/api/v1/models";
    private static final LocalDate DAY = LocalDate.of(2026, 3, 1);

    @RegisterExtension
    static final WireMockExtension server = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort()).failOnUnmatchedRequests(true).build();

    @TempDir
    Path dir;

    private PublishedPrices prices(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of("ACP_OPENROUTER_BASE_URL", server.baseUrl() + "/api/v1"));
        env.putAll(extra);
        Provider p = new OpenRouterProviderFactory().create(ChatFixtures.context(env, dir));
        return dev.acp.cost.PublishesPrices.of(p).orElseThrow();
    }

    private PublishedPrices prices() {
        return prices(Map.of("OPENROUTER_API_KEY", CANARY));
    }

    private static String model(String id, String pricing) {
        return "{\"id\":\"" + id + "\",\"canonical_slug\":\"" + id + "\",\"name\":\"" + id + "\",\"context_length\":8192,"
                + "\"architecture\":{\"modality\":\"text->text\"},\"pricing\":" + pricing
                + ",\"top_provider\":{\"context_length\":8192},\"supported_parameters\":[\"temperature\"]}";
    }

    private static void list(String... models) {
        server.stubFor(get(urlEqualTo(PATH)).willReturn(okJson("{\"data\":[" + String.join(",", models) + "]}")));
    }

    private static void answer(int status, String body) {
        server.stubFor(get(urlEqualTo(PATH)).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(body)));
    }

    @Test
    void should_turn_per_token_prices_into_exact_prices_per_million_tokens() throws Exception {
        list(model("openai/gpt-4", "{\"prompt\":\"0.00003\",\"completion\":\"0.00006\",\"request\":\"0\",\"image\":\"0\"}"),
                model("openai/gpt-4o-mini", "{\"prompt\":\"0.00000015\",\"completion\":\"0.0000006\","
                        + "\"request\":\"0\",\"image\":\"0.000217\",\"web_search\":\"0\",\"internal_reasoning\":\"0\"}"),
                model("meta-llama/llama-3.3-70b-instruct:free", "{\"prompt\":\"0\",\"completion\":\"0\"}"),
                // A value no double holds exactly: 0.1 + 0.2 per million would come out as 0.30000000000000004.
                model("vendor/odd", "{\"prompt\":\"0.0000001\",\"completion\":\"0.00000030000000000000001\"}"));

        // The ids of interest change nothing: the whole list comes in one call (urlEqualTo: no query).
        PublishedPrices.PriceList list = prices().fetch(DAY, Set.of("openai/gpt-4", "fal-ai/flux/dev"));

        assertThat(list.provider()).isEqualTo("openrouter");
        assertThat(list.asOf()).isEqualTo(DAY);
        assertThat(list.skipped()).isEmpty();
        Map<String, PriceEntry> byId = list.entries().stream()
                .collect(Collectors.toMap(PriceEntry::model, Function.identity()));
        assertThat(byId).containsOnlyKeys("openai/gpt-4", "openai/gpt-4o-mini",
                "meta-llama/llama-3.3-70b-instruct:free", "vendor/odd");
        PriceEntry gpt4 = byId.get("openai/gpt-4");
        assertThat(gpt4.unit()).isEqualTo(BillingUnit.TOKENS);
        assertThat(gpt4.inputPrice().toPlainString()).isEqualTo("30");
        assertThat(gpt4.outputPrice().toPlainString()).isEqualTo("60");
        assertThat(gpt4.source()).isEqualTo("OpenRouter GET /models");
        assertThat(gpt4.asOf()).isEqualTo("2026-03-01");
        assertThat(gpt4.price()).isNull();
        assertThat(byId.get("openai/gpt-4o-mini").inputPrice().toPlainString()).isEqualTo("0.15");
        assertThat(byId.get("openai/gpt-4o-mini").outputPrice().toPlainString()).isEqualTo("0.6");
        assertThat(byId.get("meta-llama/llama-3.3-70b-instruct:free").inputPrice().signum()).isZero();
        assertThat(byId.get("meta-llama/llama-3.3-70b-instruct:free").known()).isTrue();
        assertThat(byId.get("vendor/odd").inputPrice().toPlainString()).isEqualTo("0.1");
        assertThat(byId.get("vendor/odd").outputPrice().toPlainString()).isEqualTo("0.30000000000000001");

        var sent = server.getAllServeEvents().getFirst().getRequest();
        assertThat(sent.getHeader("Authorization")).isEqualTo("Bearer " + CANARY);
        assertThat(sent.getHeader("HTTP-Referer")).isEqualTo("https://acp.dev");
        server.verify(1, getRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void should_ask_without_a_key_when_none_is_set() throws Exception {
        server.stubFor(get(urlEqualTo(PATH)).withHeader("Authorization", absent())
                .willReturn(okJson("{\"data\":[" + model("a/b", "{\"prompt\":\"0.000001\",\"completion\":\"0.000002\"}")
                        + "]}")));

        PublishedPrices.PriceList list = prices(Map.of()).fetch(DAY, Set.of());

        assertThat(list.entries()).singleElement().satisfies(e -> assertThat(e.outputPrice()).isEqualByComparingTo("2"));
    }

    @Test
    void should_skip_and_count_models_without_a_usable_price() throws Exception {
        list(model("good/one", "{\"prompt\":\"0.000001\",\"completion\":\"0.000002\"}"),
                model("openrouter/auto", "{\"prompt\":\"-1\",\"completion\":\"-1\"}"),
                model("no/completion", "{\"prompt\":\"0.000001\"}"),
                "{\"id\":\"no/pricing\",\"name\":\"x\"}",
                model("garbage/text", "{\"prompt\":\"free\",\"completion\":\"0.000002\"}"),
                model("garbage/object", "{\"prompt\":{\"usd\":1},\"completion\":\"0.000002\"}"),
                model("null/price", "{\"prompt\":null,\"completion\":\"0.000002\"}"),
                model("number/price", "{\"prompt\":0.000001,\"completion\":0.000004}"),
                "{\"name\":\"no id\",\"pricing\":{\"prompt\":\"0\",\"completion\":\"0\"}}",
                model("good/one", "{\"prompt\":\"0.9\",\"completion\":\"0.9\"}"));

        PublishedPrices.PriceList list = prices().fetch(DAY, Set.of());

        assertThat(list.entries()).extracting(PriceEntry::model).containsExactly("good/one", "number/price");
        assertThat(list.entries().getFirst().inputPrice()).isEqualByComparingTo("1");
        assertThat(list.entries().get(1).outputPrice()).isEqualByComparingTo("4");
        Map<String, String> skipped = list.skipped().stream().collect(Collectors.toMap(
                PublishedPrices.Skipped::model, PublishedPrices.Skipped::reason, (a, b) -> a + " | " + b));
        assertThat(skipped).containsOnlyKeys("openrouter/auto", "no/completion", "no/pricing", "garbage/text",
                "garbage/object", "null/price", "(no id)", "good/one");
        assertThat(skipped.get("openrouter/auto")).contains("negative");
        assertThat(skipped.get("no/completion")).isEqualTo("no completion price");
        assertThat(skipped.get("no/pricing")).isEqualTo("no prompt price");
        assertThat(skipped.get("garbage/text")).contains("not a number ('free')");
        assertThat(skipped.get("null/price")).isEqualTo("no prompt price");
        assertThat(skipped.get("good/one")).contains("listed twice");
    }

    @ParameterizedTest(name = "HTTP {0} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "401 | {\"error\":{\"code\":401,\"message\":\"No auth credentials found\"}} | AUTH",
        "429 | {\"error\":{\"code\":429,\"message\":\"Rate limit exceeded\"}} | RATE_LIMIT",
        "500 | {\"error\":{\"code\":500,\"message\":\"Internal Server Error\"}} | TRANSIENT",
        "502 | <html>bad gateway</html> | TRANSIENT",
        "404 | {\"error\":{\"code\":404,\"message\":\"Not Found\"}} | NOT_FOUND"})
    void should_classify_error_answers(int status, String body, ErrorKind kind) {
        answer(status, body);

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> prices().fetch(DAY, Set.of()));

        assertThat(e.kind()).isEqualTo(kind);
        assertThat(e.getMessage()).startsWith("openrouter").contains("HTTP " + status).doesNotContain(CANARY);
        // A read is asked again on rate limits and server errors, never on a refused key.
        int expected = status == 401 || status == 404 ? 1 : 5;
        server.verify(expected, getRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void a_key_echoed_in_an_error_is_masked() {
        answer(401, "{\"error\":{\"code\":401,\"message\":\"Invalid key " + CANARY + "\"}}");

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> prices().fetch(DAY, Set.of()));

        assertThat(e.kind()).isEqualTo(ErrorKind.AUTH);
        assertThat(e.getMessage()).doesNotContain(CANARY).contains("OPENROUTER_API_KEY");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "not JSON | this is not json",
        "no data list | {\"models\":[]}",
        "data not a list | {\"data\":{\"id\":\"a/b\"}}",
        "an empty list | {\"data\":[]}",
        "nothing priced | {\"data\":[{\"id\":\"openrouter/auto\",\"pricing\":{\"prompt\":\"-1\",\"completion\":\"-1\"}}]}"})
    void a_malformed_answer_is_a_transient_failure(String what, String body) {
        server.stubFor(get(urlEqualTo(PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(body)));

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> prices().fetch(DAY, Set.of()));

        assertThat(e.kind()).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(e.getMessage()).startsWith("openrouter:");
    }

    @Test
    void a_broken_connection_is_a_transient_failure() {
        server.stubFor(get(urlEqualTo(PATH)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> prices().fetch(DAY, Set.of()));

        assertThat(e.kind()).isIn(ErrorKind.TRANSIENT, ErrorKind.TIMEOUT);
    }

    @Test
    void only_openrouter_publishes_prices() {
        Provider openai = new OpenAiProviderFactory().create(ChatFixtures.context(
                Map.of("OPENAI_API_KEY", CANARY, "ACP_OPENAI_BASE_URL", server.baseUrl() + "/v1"), dir));
        assertThat(dev.acp.cost.PublishesPrices.of(openai)).isEmpty();
    }
}
