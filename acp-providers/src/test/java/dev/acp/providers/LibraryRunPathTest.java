package dev.acp.providers;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.acp.Acp;
import dev.acp.engine.RunStatus;
import dev.acp.env.Environment;
import dev.acp.error.BudgetRefusedException;
import dev.acp.run.RunOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library's documented way to run a pipeline ({@code acp.runner(file)...run()}) applies the
 * same money rules as the command line: a pipeline over its cost limit, or above confirm_above
 * with nobody asked, is refused before any request leaves; an allowed run is journaled, cached
 * and reported.
 */
final class LibraryRunPathTest {
    @RegisterExtension
    static WireMockExtension fal = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort())
            .failOnUnmatchedRequests(true).build();

    @TempDir
    Path dir;

    private Acp acp() {
        return Acp.create(Environment.of(Map.of("FAL_KEY", "fal-key-0123456789:secret", "ACP_FAL_BASE_URL",
                fal.baseUrl(), "ACP_FAL_STORAGE_BASE_URL", fal.baseUrl() + "/rest", "ACP_HOME",
                dir.resolve("home").toString())));
    }

    private Path pipeline(String global) throws Exception {
        return Files.writeString(dir.resolve("p.yaml"), """
                pipeline_name: poster
                output_directory: out
                global_config: %s
                steps:
                  - { id: poster, step_type: text_to_image, config: { prompt: "a lighthouse", model: flux-dev }, output_filename: poster.png }
                """.formatted(global));
    }

    @Test
    void a_pipeline_over_its_cost_limit_is_refused_before_any_request() throws Exception {
        Path p = pipeline("{ cost_limit: 0.001 }");
        assertThatThrownBy(() -> dev.acp.run.Runner.newRun(acp(), p, dir).run()).isInstanceOf(BudgetRefusedException.class)
                .hasMessageContaining("above the cost limit of $0.001");
        fal.verify(0, anyRequestedFor(anyUrl()));
        assertThat(dir.resolve("home/runs")).doesNotExist();
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void a_run_above_confirm_above_is_refused_when_nobody_is_asked_and_agreed_to_with_yes() throws Exception {
        Path p = pipeline("{ confirm_above: 0.01 }");
        assertThatThrownBy(() -> dev.acp.run.Runner.newRun(acp(), p, dir).run()).isInstanceOf(BudgetRefusedException.class)
                .hasMessageContaining("above confirm_above $0.01");
        fal.verify(0, anyRequestedFor(anyUrl()));
        // Asked and declined: refused too.
        assertThatThrownBy(() -> dev.acp.run.Runner.newRun(acp(), p, dir).confirmation(q -> java.util.Optional.of(false)).run())
                .isInstanceOf(BudgetRefusedException.class).hasMessageContaining("not confirmed");
        fal.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void an_allowed_run_is_journaled_priced_reported_and_cached_like_a_command_line_run() throws Exception {
        String base = fal.baseUrl() + "/fal-ai/flux/requests/r-1";
        fal.stubFor(post(urlEqualTo("/fal-ai/flux/dev")).willReturn(okJson("{\"request_id\":\"r-1\",\"status_url\":\""
                + base + "/status\",\"response_url\":\"" + base + "\",\"cancel_url\":\"" + base + "/cancel\"}")));
        fal.stubFor(get(urlPathEqualTo("/fal-ai/flux/requests/r-1/status")).willReturn(okJson("{\"status\":\"COMPLETED\"}")));
        fal.stubFor(get(urlEqualTo("/fal-ai/flux/requests/r-1")).willReturn(okJson("{\"images\":[{\"url\":\""
                + fal.baseUrl() + "/m/p.png\",\"width\":1024,\"height\":768}]}")));
        fal.stubFor(get(urlEqualTo("/m/p.png")).willReturn(aResponse().withHeader("Content-Type", "image/png")
                .withBody(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 1, 2, 3})));
        Path p = pipeline("{ cost_limit: 0.05 }");

        RunOutcome outcome = dev.acp.run.Runner.newRun(acp(), p, dir).run();

        assertThat(outcome.result().status()).isEqualTo(RunStatus.SUCCEEDED);
        Path report = dir.resolve("out/run.json");
        assertThat(Files.readString(report)).contains("\"run_id\" : \"" + outcome.runId() + "\"")
                .contains("\"cost_source\" : \"computed\"");
        assertThat(outcome.result().totalActualCost()).isEqualByComparingTo("0.025");
        assertThat(dir.resolve("home/runs").resolve(outcome.runId()).resolve("journal.jsonl")).exists();
        fal.verify(1, postRequestedFor(urlEqualTo("/fal-ai/flux/dev")));
        // The same pipeline again is served from the cache, for nothing.
        RunOutcome again = dev.acp.run.Runner.newRun(acp(), p, dir).run();
        assertThat(again.result().steps().get(0).cacheHit()).isTrue();
        fal.verify(1, postRequestedFor(urlEqualTo("/fal-ai/flux/dev")));
    }
}
