package dev.acp.providers.fal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static dev.acp.providers.fal.FalTestSupport.KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.acp.cost.BillingUnit;
import dev.acp.cost.PriceEntry;
import dev.acp.cost.PublishedPrices;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * fal's price list against a mock of {@code GET /v1/models/pricing} (prices.md, "fal pricing
 * API"): the ids asked about, in batches of at most 50, pages followed, fal's units turned into
 * ACP's, and every answer ACP cannot use refused whole, in one line that names fal and the
 * endpoint. Nothing else may be asked.
 */
final class FalPricesContractTest {
    private static final String PATH = "/platform/v1/models/pricing";
    private static final LocalDate DAY = LocalDate.of(2026, 3, 1);
    private static final String DEV = "fal-ai/flux/dev";
    private static final String VEO = "fal-ai/veo3";

    @RegisterExtension
    static final WireMockExtension server = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort()).failOnUnmatchedRequests(true).build();

    @TempDir
    Path dir;

    private PublishedPrices prices(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of("ACP_FAL_PLATFORM_BASE_URL", server.baseUrl() + "/platform"));
        env.putAll(extra);
        return new FalTestSupport(server.baseUrl(), dir, env).provider().publishedPrices().orElseThrow();
    }

    private PublishedPrices prices() {
        return prices(Map.of());
    }

    private static String price(String endpoint, String unitPrice, String unit) {
        return "{\"endpoint_id\":\"" + endpoint + "\",\"unit_price\":" + unitPrice + ",\"unit\":\"" + unit
                + "\",\"currency\":\"USD\"}";
    }

    private static String answer(String... prices) {
        return "{\"prices\":[" + String.join(",", prices) + "],\"next_cursor\":null,\"has_more\":false}";
    }

    /** Answers every price request with {@code body}. */
    private static void answerAll(String body) {
        server.stubFor(get(urlPathEqualTo(PATH)).willReturn(okJson(body)));
    }

    private static List<String> askedIds(LoggedRequest r) {
        return Arrays.asList(r.queryParameter("endpoint_id").firstValue().split(","));
    }

    private static Map<String, PriceEntry> byId(PublishedPrices.PriceList list) {
        return list.entries().stream().collect(Collectors.toMap(PriceEntry::model, Function.identity()));
    }

    @Test
    void should_ask_for_the_endpoints_with_the_key_and_turn_each_price_into_an_entry() throws Exception {
        // Sorted, comma-joined, slashes as fal's docs write them.
        server.stubFor(get(urlEqualTo(PATH + "?endpoint_id=" + DEV + ",fal-ai/unlisted," + VEO))
                .withHeader("Authorization", equalTo("Key " + KEY))
                .willReturn(okJson("{\"prices\":[" + price(DEV, "0.025", "megapixels") + ","
                        // A decimal string and no currency: taken as they come (fal bills in US dollars).
                        + "{\"endpoint_id\":\"" + VEO + "\",\"unit_price\":\"0.4\",\"unit\":\"seconds\"}"
                        + "],\"next_cursor\":null,\"has_more\":false}")));

        PublishedPrices.PriceList list = prices().fetch(DAY, new LinkedHashSet<>(List.of(VEO, DEV, "fal-ai/unlisted")));

        assertThat(list.provider()).isEqualTo("fal");
        assertThat(list.asOf()).isEqualTo(DAY);
        assertThat(list.entries()).extracting(PriceEntry::model).containsExactly(DEV, VEO);
        PriceEntry dev = byId(list).get(DEV);
        assertThat(dev.provider()).isEqualTo("fal");
        assertThat(dev.unit()).isEqualTo(BillingUnit.MEGAPIXEL);
        assertThat(dev.price()).isEqualByComparingTo("0.025");
        assertThat(dev.source()).isEqualTo("fal Platform API GET /v1/models/pricing");
        assertThat(dev.asOf()).isEqualTo("2026-03-01");
        assertThat(byId(list).get(VEO).unit()).isEqualTo(BillingUnit.VIDEO_SECOND);
        assertThat(byId(list).get(VEO).price()).isEqualByComparingTo("0.4");
        assertThat(list.skipped()).singleElement().satisfies(s -> {
            assertThat(s.model()).isEqualTo("fal-ai/unlisted");
            assertThat(s.reason()).isEqualTo("fal lists no price for this endpoint");
        });
        LoggedRequest sent = server.getAllServeEvents().getFirst().getRequest();
        assertThat(sent.getHeader("Accept")).isEqualTo("application/json");
        server.verify(1, getRequestedFor(urlPathEqualTo(PATH)));
    }

    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource(delimiter = '|', value = {
        "image | IMAGE | 0.04 | 0.04",
        "images | IMAGE | 0.04 | 0.04",
        "' Image ' | IMAGE | 0.04 | 0.04",
        "per image | IMAGE | 0.04 | 0.04",
        "megapixel | MEGAPIXEL | 0.025 | 0.025",
        "Megapixels | MEGAPIXEL | 0.025 | 0.025",
        "MP | MEGAPIXEL | 0.025 | 0.025",
        "second | VIDEO_SECOND | 0.2 | 0.2",
        "seconds | VIDEO_SECOND | 0.2 | 0.2",
        "video second | VIDEO_SECOND | 0.2 | 0.2",
        "Video_Seconds | VIDEO_SECOND | 0.2 | 0.2",
        "compute second | HARDWARE_SECOND | 0.00111 | 0.00111",
        "compute seconds | HARDWARE_SECOND | 0.00111 | 0.00111",
        "GPU second | HARDWARE_SECOND | 0.00111 | 0.00111",
        "gpu_seconds | HARDWARE_SECOND | 0.00111 | 0.00111",
        "1k characters | CHARACTERS_1K | 0.05 | 0.05",
        "1K_Characters | CHARACTERS_1K | 0.05 | 0.05",
        "1000 characters | CHARACTERS_1K | 0.05 | 0.05",
        "thousand characters | CHARACTERS_1K | 0.05 | 0.05",
        "character | CHARACTERS_1K | 0.00005 | 0.05",
        "characters | CHARACTERS_1K | 0.0001 | 0.1",
        "image | IMAGE | 0 | 0"})
    void should_map_each_of_fals_units_to_acps(String falUnit, BillingUnit unit, String falPrice, String price)
            throws Exception {
        answerAll(answer(price(DEV, falPrice, falUnit)));

        PriceEntry e = prices().fetch(DAY, Set.of(DEV)).entries().getFirst();

        assertThat(e.unit()).isEqualTo(unit);
        assertThat(e.price()).isEqualByComparingTo(price);
    }

    @Test
    void should_split_120_ids_into_3_calls_of_at_most_50() throws Exception {
        List<String> ids = IntStream.rangeClosed(1, 120).mapToObj(i -> String.format("fal-ai/model-%03d", i)).toList();
        // Each batch's answer prices its first id: three prices, one from each call.
        for (int from = 0; from < 120; from += 50) {
            List<String> batch = ids.subList(from, Math.min(120, from + 50));
            server.stubFor(get(urlPathEqualTo(PATH)).withQueryParam("endpoint_id", equalTo(String.join(",", batch)))
                    .willReturn(okJson(answer(price(batch.getFirst(), "0.01", "image")))));
        }

        PublishedPrices.PriceList list = prices().fetch(DAY, Set.copyOf(ids));

        List<LoggedRequest> sent = server.findAll(getRequestedFor(urlPathEqualTo(PATH)));
        assertThat(sent).hasSize(3);
        assertThat(sent).allSatisfy(r -> assertThat(askedIds(r)).hasSizeLessThanOrEqualTo(50));
        List<String> asked = new ArrayList<>();
        sent.forEach(r -> asked.addAll(askedIds(r)));
        assertThat(asked).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(list.entries()).extracting(PriceEntry::model)
                .containsExactly("fal-ai/model-001", "fal-ai/model-051", "fal-ai/model-101");
        assertThat(list.skipped()).hasSize(117);
    }

    @Test
    void should_follow_the_cursor_while_fal_says_there_is_more() throws Exception {
        server.stubFor(get(urlPathEqualTo(PATH)).withQueryParam("cursor", absent())
                .willReturn(okJson("{\"prices\":[" + price(DEV, "0.025", "image") + "],\"next_cursor\":\"page 2/x\","
                        + "\"has_more\":true}")));
        server.stubFor(get(urlPathEqualTo(PATH)).withQueryParam("cursor", equalTo("page 2/x"))
                .withQueryParam("endpoint_id", equalTo(DEV + "," + VEO))
                .willReturn(okJson(answer(price(VEO, "0.4", "second")))));

        PublishedPrices.PriceList list = prices().fetch(DAY, Set.of(DEV, VEO));

        assertThat(list.entries()).extracting(PriceEntry::model).containsExactly(DEV, VEO);
        assertThat(list.skipped()).isEmpty();
        server.verify(2, getRequestedFor(urlPathEqualTo(PATH)));
    }

    @Test
    void a_cursor_that_comes_back_is_refused_rather_than_followed_forever() {
        answerAll("{\"prices\":[" + price(DEV, "0.025", "image") + "],\"next_cursor\":\"same\",\"has_more\":true}");

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> prices().fetch(DAY, Set.of(DEV)));

        assertThat(e.getMessage()).startsWith("fal: ").contains("has_more");
        server.verify(2, getRequestedFor(urlPathEqualTo(PATH)));
    }

    @Test
    void ids_that_cannot_be_sent_are_skipped_and_never_sent() throws Exception {
        answerAll(answer(price(DEV, "0.025", "image")));

        PublishedPrices.PriceList list = prices().fetch(DAY, Set.of(DEV, "a,b", "{{inputs.model}}", "has space"));

        assertThat(askedIds(server.getAllServeEvents().getFirst().getRequest())).containsExactly(DEV);
        assertThat(list.skipped()).extracting(PublishedPrices.Skipped::model)
                .containsExactlyInAnyOrder("a,b", "{{inputs.model}}", "has space");
    }

    @ParameterizedTest(name = "HTTP {0}")
    @CsvSource(delimiter = '|', value = {
        "401 | {\"detail\":\"Invalid authentication credentials\"}",
        "403 | {\"detail\":\"Admin API key required\"}"})
    void a_refused_key_is_a_credentials_error_that_names_the_key_fal_wants(int status, String body) {
        server.stubFor(get(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(body)));

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> prices().fetch(DAY, Set.of(DEV)));

        assertThat(e.kind()).isEqualTo(ErrorKind.AUTH);
        assertThat(e.getMessage()).startsWith("fal: ").contains("HTTP " + status).contains("FAL_KEY")
                .contains("an API key or an admin API key").doesNotContain("\n");
        server.verify(1, getRequestedFor(urlPathEqualTo(PATH)));
    }

    @Test
    void a_key_echoed_by_fal_is_masked() {
        server.stubFor(get(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json").withBody("{\"detail\":\"Key " + KEY + " is invalid\"}")));

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> prices().fetch(DAY, Set.of(DEV)));

        assertThat(e.getMessage()).doesNotContain(KEY).doesNotContain("secret-abcdef").contains("****");
    }

    @Test
    void a_key_echoed_in_an_answer_acp_cannot_use_is_masked() {
        answerAll(answer(price(DEV, "0.025", KEY)));

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> prices().fetch(DAY, Set.of(DEV)));

        assertThat(e.getMessage()).startsWith("fal: ").contains(DEV).doesNotContain("secret-abcdef");
    }

    @Test
    void without_a_key_nothing_is_asked() {
        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> new FalTestSupport(server.baseUrl(), dir, Map.of("FAL_KEY", " ", "ACP_FAL_PLATFORM_BASE_URL",
                        server.baseUrl() + "/platform")).provider().publishedPrices().orElseThrow()
                        .fetch(DAY, Set.of(DEV)));

        assertThat(e.kind()).isEqualTo(ErrorKind.AUTH);
        assertThat(e.getMessage()).startsWith("fal: FAL_KEY is not set").contains("an API key or an admin API key");
        server.verify(0, anyRequestedFor(anyUrl()));
    }

    @ParameterizedTest(name = "HTTP {0} then a price list")
    @CsvSource({"429", "503"})
    void rate_limits_and_server_errors_are_asked_again(int status) throws Exception {
        server.stubFor(get(urlPathEqualTo(PATH)).inScenario("busy").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                        .withBody("{\"detail\":\"busy\"}"))
                .willSetStateTo("again"));
        server.stubFor(get(urlPathEqualTo(PATH)).inScenario("busy").whenScenarioStateIs("again")
                .willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                        .withBody("{\"detail\":\"busy\"}"))
                .willSetStateTo("ok"));
        server.stubFor(get(urlPathEqualTo(PATH)).inScenario("busy").whenScenarioStateIs("ok")
                .willReturn(okJson(answer(price(DEV, "0.025", "image")))));

        PublishedPrices.PriceList list = prices().fetch(DAY, Set.of(DEV));

        assertThat(list.entries()).extracting(PriceEntry::model).containsExactly(DEV);
        server.verify(3, getRequestedFor(urlPathEqualTo(PATH)));
    }

    /** What an answer held, and what the one-line error must say about it. */
    static Stream<Arguments> answers_acp_cannot_use() {
        String dev = "{\"endpoint_id\":\"" + DEV + "\",";
        return Stream.of(
                Arguments.of("not JSON", "<html>maintenance</html>", "not valid JSON"),
                Arguments.of("no prices list", "{\"data\":[]}", "has no 'prices' list"),
                Arguments.of("prices not a list", "{\"prices\":" + dev + "\"unit\":\"image\"}}",
                        "has no 'prices' list"),
                Arguments.of("no endpoint_id", "{\"prices\":[{\"unit_price\":0.025,\"unit\":\"image\"}]}",
                        "a price without an endpoint_id (item 2 of the 'prices' list)"),
                Arguments.of("blank endpoint_id", "{\"prices\":[{\"endpoint_id\":\" \",\"unit_price\":1,\"unit\":\"image\"}]}",
                        "a price without an endpoint_id"),
                Arguments.of("no unit", "{\"prices\":[" + dev + "\"unit_price\":0.025,\"currency\":\"USD\"}]}",
                        "the price of fal-ai/flux/dev has no unit"),
                Arguments.of("no unit_price", "{\"prices\":[" + dev + "\"unit\":\"image\",\"currency\":\"USD\"}]}",
                        "the price of fal-ai/flux/dev has no unit_price"),
                Arguments.of("null unit_price", "{\"prices\":[" + dev + "\"unit_price\":null,\"unit\":\"image\"}]}",
                        "the price of fal-ai/flux/dev has no unit_price"),
                Arguments.of("text unit_price", "{\"prices\":[" + dev + "\"unit_price\":\"cheap\",\"unit\":\"image\"}]}",
                        "the unit_price of fal-ai/flux/dev is not a number ('cheap')"),
                Arguments.of("object unit_price", "{\"prices\":[" + dev + "\"unit_price\":{\"usd\":1},\"unit\":\"image\"}]}",
                        "the unit_price of fal-ai/flux/dev is not a number"),
                Arguments.of("negative unit_price", "{\"prices\":[" + dev + "\"unit_price\":-0.01,\"unit\":\"image\"}]}",
                        "the unit_price of fal-ai/flux/dev is negative (-0.01)"),
                Arguments.of("another currency", "{\"prices\":[" + dev + "\"unit_price\":0.02,\"unit\":\"image\","
                        + "\"currency\":\"EUR\"}]}", "fal-ai/flux/dev is priced in 'EUR'"),
                Arguments.of("unknown unit", "{\"prices\":[" + dev + "\"unit_price\":0.02,\"unit\":\"tokens\","
                        + "\"currency\":\"USD\"}]}", "the price of fal-ai/flux/dev is per 'tokens', a unit ACP cannot price"),
                Arguments.of("no price at all", "{\"prices\":[],\"next_cursor\":null,\"has_more\":false}",
                        "listed no price for any of the 2 endpoints asked about (fal-ai/flux/dev, fal-ai/veo3)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("answers_acp_cannot_use")
    void an_answer_acp_cannot_use_is_refused_whole_in_one_line(String what, String body, String says) {
        // A good price before the bad one: one bad item refuses the whole answer, so nothing is half written.
        String withGood = body.startsWith("{\"prices\":[{")
                ? body.replace("{\"prices\":[", "{\"prices\":[" + price(VEO, "0.4", "second") + ",") : body;
        server.stubFor(get(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(withGood)));

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> prices().fetch(DAY, Set.of(DEV, VEO)));

        assertThat(e).as(what).isNotNull();
        assertThat(e.kind()).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(e.getMessage()).startsWith("fal: ").contains(says).doesNotContain("\n");
        // A bad answer is not asked again: the connection did not fail, fal's answer did.
        server.verify(1, getRequestedFor(urlPathEqualTo(PATH)));
    }
}
