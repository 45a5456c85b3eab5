package dev.acp.providers.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.acp.providers.openai.ChatFixtures.CANARY;
import static dev.acp.providers.openai.ChatFixtures.SCENES;
import static dev.acp.providers.openai.ChatFixtures.completion;
import static dev.acp.providers.openai.ChatFixtures.json;
import static dev.acp.providers.openai.ChatFixtures.sentBodies;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.http.Governor;
import dev.acp.pipeline.Capability;
import dev.acp.provider.Provider;
import dev.acp.config.AcpConfig;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderResult;
import dev.acp.provider.Usage;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code openai} against a mock of an OpenAI-compatible server: Ollama's {@code /v1} on this
 * machine (providers.md section 8), and, through the factory's classifier seam, the same mock
 * playing api.openai.com and a remote compatible server.
 */
final class OpenAiProviderContractTest {
    private static final String PATH = "/v1/chat/completions";
    /** Ollama's usage: token counts only, no cost. */
    private static final String OLLAMA_USAGE = "{\"prompt_tokens\":26,\"completion_tokens\":12,\"total_tokens\":38}";

    @RegisterExtension
    static final WireMockExtension server = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort()).failOnUnmatchedRequests(true).build();

    @TempDir
    Path dir;

    private ProviderContext context(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of("ACP_OPENAI_BASE_URL", server.baseUrl() + "/v1",
                "ACP_OPENAI_TIMEOUT", "10"));
        env.putAll(extra);
        return ChatFixtures.context(env, dir);
    }

    /** The real factory: WireMock is on localhost, so this is a local server. */
    private Provider local() {
        return new OpenAiProviderFactory().create(context(Map.of()));
    }

    @Test
    void config_billed_turns_a_private_gateway_into_a_paid_server_and_a_public_one_of_ones_own_free() {
        java.util.function.Function<Boolean, ProviderContext> with = billed -> {
            ProviderContext c = context(Map.of());
            AcpConfig config = new AcpConfig(Map.of("openai", new AcpConfig.ProviderConfig(null, null, null, null, null,
                    null, null, null, billed)));
            return new ProviderContext(c.environment(), c.acpHome(), c.clock(), c.transport(), c.governors(), config);
        };
        // WireMock is on loopback: free unless the user says the gateway bills.
        assertThat(new OpenAiProviderFactory().create(with.apply(null)).costsMoney()).isFalse();
        assertThat(new OpenAiProviderFactory().create(with.apply(true)).costsMoney()).isTrue();
        assertThat(new OpenAiProviderFactory(uri -> ServerKind.REMOTE).create(with.apply(false)).costsMoney()).isFalse();
    }

    private Provider as(ServerKind kind, Map<String, String> env) {
        return new OpenAiProviderFactory(uri -> kind).create(context(env));
    }

    private ProviderResult run(Provider provider, Capability capability, String model, Map<String, Object> params)
            throws Exception {
        return provider.execute(ChatFixtures.request(capability, model, params, dir));
    }

    private static void answer(String body) {
        server.stubFor(post(urlEqualTo(PATH)).willReturn(okJson(body)));
    }

    private static void answer(int status, String body) {
        server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(body)));
    }

    private static JsonNode onlyBody() {
        server.verify(1, postRequestedFor(urlEqualTo(PATH)));
        return sentBodies(server).getFirst();
    }

    // ---- a local server (Ollama) ------------------------------------------------------------------

    @Test
    void should_expand_a_prompt_on_a_local_server_for_free_without_a_key() throws Exception {
        answer(completion("chatcmpl-417", "llama3.2", "A misty harbour at dawn, fishing boats, soft light.", "stop",
                OLLAMA_USAGE).replace("\"object\"", "\"system_fingerprint\":\"fp_ollama\",\"object\""));
        Provider p = local();

        ProviderResult r = run(p, Capability.PROMPT_GENERATION, null,
                Map.of("text", "a harbour", "max_tokens", 200, "temperature", "0.4"));

        assertThat(r.text()).isEqualTo("A misty harbour at dawn, fishing boats, soft light.");
        assertThat(r.actualCost()).as("free: the zero settles it, whatever the tokens")
                .isEqualByComparingTo(BigDecimal.ZERO);
        assertThat(r.requestIds()).containsExactly("chatcmpl-417");
        assertThat(r.metadata()).containsEntry("model", "llama3.2").containsEntry("total_tokens", 38L)
                .containsEntry("cost_source", "local server (free)").doesNotContainKey("requested_model")
                .doesNotContainKey("upstream_provider");
        assertThat(p.costsMoney()).isFalse();

        JsonNode body = onlyBody();
        assertThat(body.get("model").asText()).isEqualTo("llama3.2");
        assertThat(body.get("max_tokens").asInt()).as("Ollama reads max_tokens only").isEqualTo(200);
        assertThat(body.has("max_completion_tokens")).isFalse();
        assertThat(body.get("temperature").asDouble()).isEqualTo(0.4);
        assertThat(body.has("seed")).isFalse();
        ServeEvent sent = ChatFixtures.events(server).getFirst();
        assertThat(sent.getRequest().containsHeader("Authorization")).isFalse();
        assertThat(sent.getRequest().containsHeader("HTTP-Referer")).isFalse();
    }

    @Test
    void should_describe_a_local_image_with_the_local_vision_model() throws Exception {
        byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16, 'J', 'F', 'I', 'F'};
        Path image = Files.write(dir.resolve("photo.jpg"), jpeg);
        answer(completion("chatcmpl-3", "llama3.2-vision", "A red door.", "stop", OLLAMA_USAGE));

        ProviderResult r = run(local(), Capability.IMAGE_UNDERSTANDING, null,
                Map.of("image_path", image.toString(), "prompt", "What colour is the door?", "system", "Be terse."));

        assertThat(r.text()).isEqualTo("A red door.");
        JsonNode body = onlyBody();
        assertThat(body.get("model").asText()).isEqualTo("llama3.2-vision");
        assertThat(body.at("/messages/0/role").asText()).isEqualTo("system");
        assertThat(body.at("/messages/0/content").asText()).isEqualTo("Be terse.");
        assertThat(body.at("/messages/1/content/0/text").asText()).isEqualTo("What colour is the door?");
        assertThat(body.at("/messages/1/content/1/image_url/url").asText())
                .isEqualTo("data:image/jpeg;base64," + Base64.getEncoder().encodeToString(jpeg));
    }

    @Test
    void should_ask_a_local_server_for_scenes_by_json_schema() throws Exception {
        answer(completion("chatcmpl-5", "llama3.2", SCENES, "stop", OLLAMA_USAGE));

        ProviderResult r = run(local(), Capability.STORY_TO_SCENES, "qwen2.5:7b", Map.of("story", "A story."));

        assertThat(json(r.text()).get("scenes")).hasSize(2);
        assertThat(r.actualCost()).isEqualByComparingTo(BigDecimal.ZERO);
        JsonNode body = onlyBody();
        assertThat(body.get("model").asText()).isEqualTo("qwen2.5:7b");
        assertThat(body.at("/response_format/type").asText()).isEqualTo("json_schema");
        assertThat(body.at("/response_format/json_schema/schema/required/0").asText()).isEqualTo("scenes");
        assertThat(body.at("/messages/1/content").asText()).contains("usually 3 to 8")
                .contains("\"image_prompt\"");
    }

    @Test
    void should_take_the_default_model_from_the_model_variable() throws Exception {
        answer(completion("chatcmpl-6", "gemma3:4b", "ok", "stop", OLLAMA_USAGE));

        run(new OpenAiProviderFactory().create(context(Map.of("ACP_OPENAI_MODEL", "gemma3:4b"))),
                Capability.PROMPT_GENERATION, null, Map.of("prompt", "x"));

        assertThat(onlyBody().get("model").asText()).isEqualTo("gemma3:4b");
    }

    @Test
    void should_use_two_calls_at_once_on_a_local_server() {
        ProviderContext context = context(Map.of());
        new OpenAiProviderFactory().create(context);
        assertThat(context.governors().of(OpenAiProviderFactory.ID).settings())
                .isEqualTo(Governor.Settings.uncapped(2, 2));
    }

    @Test
    void should_not_require_a_key_for_a_local_server_but_send_one_when_set() throws Exception {
        OpenAiProviderFactory factory = new OpenAiProviderFactory();
        assertThat(factory.missingCredentials(context(Map.of()))).isEmpty();
        assertThat(factory.missingCredentials(ChatFixtures.context(
                Map.of("ACP_OPENAI_BASE_URL", "http://localhost:11434/v1"), dir))).isEmpty();

        answer(completion("chatcmpl-7", "llama3.2", "ok", "stop", OLLAMA_USAGE));
        run(factory.create(context(Map.of("OPENAI_API_KEY", CANARY))), Capability.PROMPT_GENERATION, null,
                Map.of("prompt", "x"));
        assertThat(ChatFixtures.events(server).getFirst().getRequest().getHeader("Authorization"))
                .isEqualTo("Bearer " + CANARY);
    }

    // ---- the same mock as api.openai.com and as a remote server --------------------------------------

    @Test
    void should_require_a_key_for_openai_itself() {
        OpenAiProviderFactory factory = new OpenAiProviderFactory();
        ProviderContext defaults = ChatFixtures.context(Map.of(), dir);
        assertThat(factory.missingCredentials(defaults)).hasValueSatisfying(m -> assertThat(m).contains("OPENAI_API_KEY"));
        assertThat(factory.missingCredentials(ChatFixtures.context(Map.of("OPENAI_API_KEY", CANARY), dir))).isEmpty();

        assertThatThrownBy(() -> run(as(ServerKind.OPENAI, Map.of()), Capability.PROMPT_GENERATION, null,
                Map.of("prompt", "x")))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.AUTH);
                    assertThat(e.getMessage()).contains("OPENAI_API_KEY");
                });
        server.verify(0, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void should_speak_openai_itself_with_max_completion_tokens_and_an_unknown_cost() throws Exception {
        answer(completion("chatcmpl-AbC", "gpt-4o-mini-2024-07-18", "ok", "stop",
                "{\"prompt_tokens\":9,\"completion_tokens\":1,\"total_tokens\":10}"));
        Provider p = as(ServerKind.OPENAI, Map.of("OPENAI_API_KEY", CANARY));

        ProviderResult r = run(p, Capability.PROMPT_GENERATION, null, Map.of("prompt", "x", "max_tokens", 50,
                "seed", "7"));

        assertThat(r.actualCost()).as("OpenAI bills but does not say what").isNull();
        assertThat(r.usage()).as("the tokens it bills by").isEqualTo(new Usage.Tokens(9, 1));
        assertThat(r.metadata()).containsEntry("cost_source", "not reported");
        assertThat(p.costsMoney()).isTrue();
        JsonNode body = onlyBody();
        assertThat(body.get("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(body.get("max_completion_tokens").asInt()).isEqualTo(50);
        assertThat(body.has("max_tokens")).isFalse();
        assertThat(body.get("seed").asLong()).isEqualTo(7);
        assertThat(ChatFixtures.events(server).getFirst().getRequest().getHeader("Authorization"))
                .isEqualTo("Bearer " + CANARY);
    }

    @Test
    void should_leave_an_unreported_cost_unknown_on_a_remote_server() throws Exception {
        answer(completion("chatcmpl-8", "meta-llama/Llama-3.3-70B", "ok", "stop", OLLAMA_USAGE));
        Provider p = as(ServerKind.REMOTE, Map.of());

        ProviderResult r = run(p, Capability.PROMPT_GENERATION, "meta-llama/Llama-3.3-70B", Map.of("prompt", "x"));

        assertThat(r.actualCost()).isNull();
        assertThat(r.usage()).isEqualTo(new Usage.Tokens(26, 12));
        assertThat(p.costsMoney()).isTrue();
        assertThat(onlyBody().has("max_tokens")).isFalse();
        assertThat(new OpenAiProviderFactory(uri -> ServerKind.REMOTE).missingCredentials(context(Map.of())))
                .as("only the server knows whether it needs a key").isEmpty();
    }

    @Test
    void should_take_a_reported_cost_from_any_server() throws Exception {
        answer(completion("chatcmpl-9", "m", "ok", "stop",
                "{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2,\"cost\":0.5}"));

        assertThat(run(as(ServerKind.REMOTE, Map.of()), Capability.PROMPT_GENERATION, null, Map.of("prompt", "x"))
                .actualCost()).isEqualByComparingTo("0.5");
    }

    // ---- errors in the OpenAI/Ollama dialect ----------------------------------------------------------

    static Stream<Arguments> errorTable() {
        return Stream.of(
                arguments(400, "{\"error\":{\"message\":\"invalid message format\",\"type\":\"invalid_request_error\","
                        + "\"param\":null,\"code\":null}}", ErrorKind.VALIDATION),
                arguments(400, "{\"error\":{\"message\":\"This model's maximum context length is 8192 tokens\","
                        + "\"type\":\"invalid_request_error\",\"param\":\"messages\",\"code\":\"context_length_exceeded\"}}",
                        ErrorKind.VALIDATION),
                arguments(400, "{\"error\":{\"message\":\"Your request was rejected by our safety system\","
                        + "\"type\":\"invalid_request_error\",\"code\":\"content_policy_violation\"}}",
                        ErrorKind.CONTENT_POLICY),
                arguments(401, "{\"error\":{\"message\":\"Incorrect API key provided\",\"type\":"
                        + "\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}", ErrorKind.AUTH),
                arguments(403, "{\"error\":{\"message\":\"Project does not have access to model gpt-5\",\"type\":"
                        + "\"invalid_request_error\",\"code\":\"model_not_found\"}}", ErrorKind.NOT_FOUND),
                arguments(404, "{\"error\":{\"message\":\"model \\\"llama3.2\\\" not found, try pulling it first\","
                        + "\"type\":\"not_found_error\",\"param\":null,\"code\":null}}", ErrorKind.NOT_FOUND),
                arguments(404, "{\"error\":\"model 'llama3.2' not found\"}", ErrorKind.NOT_FOUND),
                arguments(429, "{\"error\":{\"message\":\"You exceeded your current quota\",\"type\":"
                        + "\"insufficient_quota\",\"param\":null,\"code\":\"insufficient_quota\"}}", ErrorKind.QUOTA),
                arguments(429, "{\"error\":{\"message\":\"Rate limit reached for gpt-4o-mini\",\"type\":\"requests\","
                        + "\"param\":null,\"code\":\"rate_limit_exceeded\"}}", ErrorKind.RATE_LIMIT),
                arguments(500, "{\"error\":{\"message\":\"llama runner process has terminated\",\"type\":\"api_error\","
                        + "\"param\":null,\"code\":null}}", ErrorKind.TRANSIENT),
                arguments(503, "{\"error\":{\"message\":\"server busy\",\"type\":\"api_error\",\"code\":503}}",
                        ErrorKind.TRANSIENT),
                arguments(502, "Bad Gateway", ErrorKind.TRANSIENT));
    }

    @ParameterizedTest(name = "HTTP {0} {1} -> {2}")
    @MethodSource("errorTable")
    void should_classify_openai_and_ollama_error_bodies_with_any_code_type(int status, String body, ErrorKind kind) {
        answer(status, body);

        assertThatThrownBy(() -> run(local(), Capability.PROMPT_GENERATION, null, Map.of("prompt", "x")))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(kind);
                    assertThat(e.getMessage()).startsWith("openai: HTTP " + status);
                });
        server.verify(1, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void should_tell_to_pull_a_model_that_a_local_server_lacks() {
        answer(404, "{\"error\":{\"message\":\"model \\\"llama3.2\\\" not found, try pulling it first\","
                + "\"type\":\"not_found_error\",\"param\":null,\"code\":null}}");

        assertThatThrownBy(() -> run(local(), Capability.PROMPT_GENERATION, null, Map.of("prompt", "x")))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
                    assertThat(e.getMessage()).contains("not found, try pulling it first")
                            .contains("type not_found_error").contains("ollama pull llama3.2");
                });
    }

    @Test
    void should_tell_to_check_the_model_id_on_a_remote_server() {
        answer(404, "{\"error\":{\"message\":\"The model `gpt-9` does not exist\",\"type\":\"invalid_request_error\","
                + "\"param\":null,\"code\":\"model_not_found\"}}");

        assertThatThrownBy(() -> run(as(ServerKind.OPENAI, Map.of("OPENAI_API_KEY", CANARY)),
                Capability.PROMPT_GENERATION, "gpt-9", Map.of("prompt", "x")))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
                    assertThat(e.getMessage()).contains("code model_not_found").contains("check the model id 'gpt-9'")
                            .doesNotContain("ollama");
                });
    }

    @Test
    void should_mask_a_key_echoed_by_the_server() {
        answer(401, "{\"error\":{\"message\":\"Incorrect API key provided: " + CANARY + "\",\"type\":"
                + "\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}");

        assertThatThrownBy(() -> run(as(ServerKind.OPENAI, Map.of("OPENAI_API_KEY", CANARY)),
                Capability.PROMPT_GENERATION, null, Map.of("prompt", "x")))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.AUTH);
                    assertThat(e.getMessage()).doesNotContain(CANARY).contains("check OPENAI_API_KEY");
                });
    }

    // ---- the paid call is sent once -----------------------------------------------------------------

    @Test
    void should_report_a_timeout_as_unknown_outcome_and_send_once() {
        server.stubFor(post(urlEqualTo(PATH)).willReturn(okJson(completion("c", "m", "late", "stop", OLLAMA_USAGE))
                .withFixedDelay(2_000)));
        Provider p = new OpenAiProviderFactory().create(context(Map.of("ACP_OPENAI_TIMEOUT", "0.3")));

        assertThatThrownBy(() -> run(p, Capability.PROMPT_GENERATION, null, Map.of("prompt", "x")))
                .isInstanceOfSatisfying(ProviderException.class,
                        e -> assertThat(e.kind()).isEqualTo(ErrorKind.UNKNOWN_OUTCOME));
        server.verify(1, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void should_report_a_connection_reset_as_unknown_outcome_and_send_once() {
        server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        assertThatThrownBy(() -> run(local(), Capability.STORY_TO_SCENES, null, Map.of("story", "x")))
                .isInstanceOfSatisfying(ProviderException.class,
                        e -> assertThat(e.kind()).isEqualTo(ErrorKind.UNKNOWN_OUTCOME));
        server.verify(1, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void should_fail_transiently_on_malformed_json() {
        server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(200).withBody("not json")));

        assertThatThrownBy(() -> run(local(), Capability.PROMPT_GENERATION, null, Map.of("prompt", "x")))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.TRANSIENT);
                    assertThat(e.getMessage()).contains("not json");
                });
    }
}
