package dev.acp.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.acp.Acp;
import dev.acp.engine.LocalEngine;
import dev.acp.pipeline.Capability;
import dev.acp.provider.Provider;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderFactory;
import dev.acp.provider.ProviderRegistry;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run above confirm_above is refused with 409 and its estimate unless the request confirms it. */
class BudgetRouteTest {
    private final List<String> calls = new CopyOnWriteArrayList<>();

    /** A fake provider that bills $0.30 a call (no network). */
    private final class Paid implements ProviderFactory, Provider {
        @Override
        public String id() {
            return "paid";
        }

        @Override
        public Set<Capability> capabilities() {
            return EnumSet.allOf(Capability.class);
        }

        @Override
        public Provider create(ProviderContext context) {
            return this;
        }

        @Override
        public ProviderResult execute(ProviderRequest request) {
            calls.add(request.stepId());
            return ProviderResult.text("answer of " + request.stepId(), Map.of()).withActualCost(new BigDecimal("0.30"));
        }
    }

    static final String PIPELINE = """
            pipeline_name: paid_steps
            output_directory: out
            global_config: { cost_limit: 5 }
            steps:
              - { step_type: prompt_generation, id: one, provider: paid, config: { prompt: "a", model: cheap } }
              - { step_type: prompt_generation, id: two, provider: paid, depends_on: [], config: { prompt: "b", model: cheap } }
              - { step_type: prompt_generation, id: three, provider: paid, depends_on: [], config: { prompt: "c", model: cheap } }
              - { step_type: prompt_generation, id: four, provider: paid, depends_on: [], config: { prompt: "d", model: cheap } }
            """;

    @TempDir
    Path dir;
    TestServer s;

    @BeforeEach
    void start() throws Exception {
        Files.createDirectories(dir.resolve("home"));
        Files.writeString(dir.resolve("home/pricing.yaml"), """
                version: 1
                providers:
                  paid:
                    models:
                      cheap: { unit: request, price: 0.30, source: "test price list", as_of: "2026-11-22" }
                """);
        Paid paid = new Paid();
        s = new TestServer(dir, o -> o, Map.of(), env -> Acp.create(env, ProviderRegistry.of(ProviderContext.of(env,
                Acp.acpHome(env), Clock.systemUTC()), paid), LocalEngine.Options.defaults(env)));
    }

    @AfterEach
    void stop() {
        s.close();
    }

    @Test
    void above_confirm_above_without_confirm_is_409_with_the_estimate_and_nothing_runs_then_confirm_runs_it()
            throws Exception {
        HttpResponse<String> refused = s.post("/api/runs", Map.of("pipeline", PIPELINE));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
        JsonNode error = TestServer.json(refused).get("error");
        assertThat(error.get("kind").asText()).isEqualTo("budget");
        assertThat(error.get("message").asText()).contains("\"confirm\": true").doesNotContain("--yes");
        assertThat(error.get("estimate").get("total_high").asDouble()).isEqualTo(1.2);
        assertThat(calls).isEmpty();
        assertThat(s.runFolderExists()).isFalse();

        // The estimate route gives the same numbers.
        JsonNode estimate = TestServer.json(s.post("/api/estimate", Map.of("pipeline", PIPELINE)));
        assertThat(estimate.get("total_expected")).isEqualTo(error.get("estimate").get("total_expected"));

        String id = s.start(Map.of("pipeline", PIPELINE, "confirm", true));
        JsonNode run = s.awaitStatus(id, "succeeded");
        assertThat(run.get("spent").asDouble()).isEqualTo(1.2);
        assertThat(calls).hasSize(4);
    }

    @Test
    void an_expected_cost_above_the_limit_is_refused_even_when_confirmed() throws Exception {
        HttpResponse<String> r = s.post("/api/runs", Map.of("pipeline", PIPELINE, "confirm", true, "cost_limit", 0.5));
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(TestServer.json(r).get("error").get("message").asText()).contains("above the cost limit");
        assertThat(calls).isEmpty();
    }
}
