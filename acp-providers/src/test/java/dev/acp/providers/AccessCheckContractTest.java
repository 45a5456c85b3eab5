package dev.acp.providers;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.acp.config.AcpConfig;
import dev.acp.util.RetryPolicy;
import dev.acp.env.Environment;
import dev.acp.http.Governors;
import dev.acp.http.HttpTransport;
import dev.acp.provider.AccessCheck;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderFactory;
import dev.acp.providers.elevenlabs.ElevenLabsProviderFactory;
import dev.acp.providers.fal.FalProviderFactory;
import dev.acp.providers.openai.OpenAiProviderFactory;
import dev.acp.providers.openai.OpenRouterProviderFactory;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code acp doctor}'s free call of each provider: accepted, refused, out of credit, unreachable. */
class AccessCheckContractTest {
    private static final String KEY = "canary-key-123456789";
    private static WireMockServer wireMock;

    @TempDir
    Path home;

    @BeforeAll
    static void start() {
        wireMock = new WireMockServer(wireMockConfig().dynamicPort());
        wireMock.start();
    }

    @AfterAll
    static void stop() {
        wireMock.stop();
    }

    @BeforeEach
    void reset() {
        wireMock.resetAll();
    }

    @AfterEach
    void nothingUnmatched() {
        assertThat(wireMock.findAllUnmatchedRequests()).isEmpty();
    }

    private AccessCheck check(ProviderFactory factory, Map<String, String> variables) throws InterruptedException {
        Environment env = Environment.of(variables);
        Clock clock = Clock.systemUTC();
        HttpTransport transport = new HttpTransport(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(),
                clock, d -> {}, RandomGenerator.getDefault(), new RetryPolicy(Duration.ZERO, Duration.ZERO));
        ProviderContext context = new ProviderContext(env, home, clock, transport,
                new Governors(env, AcpConfig.empty(), clock, d -> {}), AcpConfig.empty());
        AccessCheck c = factory.create(context).checkAccess();
        assertThat(c.detail()).doesNotContain(KEY);
        assertThat(String.valueOf(c.fix())).doesNotContain(KEY);
        return c;
    }

    private String base() {
        return wireMock.baseUrl();
    }

    @Test
    void openrouter_reports_what_is_left_of_the_key_and_warns_when_it_is_nearly_spent() throws Exception {
        Map<String, String> env = Map.of("OPENROUTER_API_KEY", KEY, "ACP_OPENROUTER_BASE_URL", base() + "/api/v1");
        wireMock.stubFor(get("/api/v1/key").withHeader("Authorization", equalTo("Bearer " + KEY)).willReturn(
                aResponse().withStatus(200).withBody("{\"data\":{\"label\":\"ci\",\"limit\":10,\"limit_remaining\":4.2,"
                        + "\"usage\":5.8,\"is_free_tier\":false}}")));
        AccessCheck ok = check(new OpenRouterProviderFactory(), env);
        assertThat(ok.status()).isEqualTo(AccessCheck.Status.OK);
        assertThat(ok.detail()).isEqualTo("key accepted; $4.2 left of its $10 limit");

        wireMock.stubFor(get("/api/v1/key").willReturn(aResponse().withStatus(200)
                .withBody("{\"data\":{\"limit\":10,\"limit_remaining\":0.3}}")));
        AccessCheck low = check(new OpenRouterProviderFactory(), env);
        assertThat(low.status()).isEqualTo(AccessCheck.Status.WARNING);
        assertThat(low.fix()).contains("openrouter.ai/credits");
    }

    @Test
    void a_refused_key_is_refused_with_the_variable_to_check() throws Exception {
        wireMock.stubFor(get("/api/v1/key").willReturn(aResponse().withStatus(401)
                .withBody("{\"error\":{\"code\":401,\"message\":\"No auth credentials found for " + KEY + "\"}}")));
        AccessCheck c = check(new OpenRouterProviderFactory(),
                Map.of("OPENROUTER_API_KEY", KEY, "ACP_OPENROUTER_BASE_URL", base() + "/api/v1"));
        assertThat(c.status()).isEqualTo(AccessCheck.Status.REFUSED);
        assertThat(c.fix()).contains("check OPENROUTER_API_KEY");

        wireMock.stubFor(get("/v1/models").willReturn(aResponse().withStatus(401)
                .withBody("{\"detail\":{\"status\":\"invalid_api_key\",\"message\":\"Invalid API key\"}}")));
        AccessCheck eleven = check(new ElevenLabsProviderFactory(),
                Map.of("ELEVENLABS_API_KEY", KEY, "ACP_ELEVENLABS_BASE_URL", base()));
        assertThat(eleven.status()).isEqualTo(AccessCheck.Status.REFUSED);
        assertThat(eleven.fix()).contains("ELEVENLABS_API_KEY");
    }

    @Test
    void elevenlabs_counts_the_models_the_key_can_use() throws Exception {
        wireMock.stubFor(get("/v1/models").withHeader("xi-api-key", equalTo(KEY)).willReturn(aResponse()
                .withStatus(200).withBody("[{\"model_id\":\"eleven_multilingual_v2\"},{\"model_id\":\"eleven_v3\"}]")));
        AccessCheck c = check(new ElevenLabsProviderFactory(),
                Map.of("ELEVENLABS_API_KEY", KEY, "ACP_ELEVENLABS_BASE_URL", base()));
        assertThat(c.status()).isEqualTo(AccessCheck.Status.OK);
        assertThat(c.detail()).isEqualTo("key accepted; 2 models available");
    }

    @Test
    void fal_asks_its_storage_for_a_token_and_an_unreachable_host_is_a_failure_with_a_fix() throws Exception {
        wireMock.stubFor(post(urlEqualTo("/storage/auth/token?storage_type=fal-cdn-v3"))
                .withHeader("Authorization", equalTo("Key " + KEY)).willReturn(aResponse().withStatus(200)
                        .withBody("{\"token\":\"t\",\"token_type\":\"Bearer\",\"base_url\":\"x\",\"expires_at\":\"y\"}")));
        Map<String, String> env = Map.of("FAL_KEY", KEY, "ACP_FAL_BASE_URL", base(), "ACP_FAL_STORAGE_BASE_URL", base());
        assertThat(check(new FalProviderFactory(), env).status()).isEqualTo(AccessCheck.Status.OK);

        wireMock.stubFor(post(urlPathEqualTo("/storage/auth/token"))
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        AccessCheck down = check(new FalProviderFactory(), env);
        assertThat(down.status()).isEqualTo(AccessCheck.Status.FAILED);
        assertThat(down.fix()).contains("ACP_FAL_BASE_URL");
        // Sent once: the doctor does not retry its way past its own time limit.
        assertThat(wireMock.findAll(com.github.tomakehurst.wiremock.client.WireMock
                .postRequestedFor(urlPathEqualTo("/storage/auth/token")))).hasSize(2);
    }

    @Test
    void a_local_openai_compatible_server_names_the_default_models_that_are_not_pulled() throws Exception {
        wireMock.stubFor(get("/v1/models").willReturn(aResponse().withStatus(200)
                .withBody("{\"object\":\"list\",\"data\":[{\"id\":\"llama3.2:latest\",\"object\":\"model\"}]}")));
        AccessCheck c = check(new OpenAiProviderFactory(), Map.of("ACP_OPENAI_BASE_URL", base() + "/v1"));
        assertThat(c.status()).isEqualTo(AccessCheck.Status.WARNING);
        assertThat(c.detail()).startsWith("server answered at " + base() + "/v1; 1 models")
                .contains("default models not pulled: llama3.2-vision");
        assertThat(c.fix()).contains("ollama pull llama3.2-vision");
    }

    @Test
    void a_provider_without_a_key_is_not_contacted() throws Exception {
        assertThat(check(new FalProviderFactory(), Map.of("ACP_FAL_BASE_URL", base())).status())
                .isEqualTo(AccessCheck.Status.NOT_CHECKED);
    }
}
