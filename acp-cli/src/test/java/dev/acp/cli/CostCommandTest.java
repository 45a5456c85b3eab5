package dev.acp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.acp.Acp;
import dev.acp.engine.LocalEngine;
import dev.acp.pipeline.Capability;
import dev.acp.provider.Provider;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderFactory;
import dev.acp.provider.ProviderRegistry;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** estimate, models, confirmation, --yes, refusals with exit 4 and bad limits with exit 2. */
class CostCommandTest {
    @TempDir
    Path dir;

    private final List<String> calls = new CopyOnWriteArrayList<>();
    /** The model the provider calls for steps that name none, as ACP_<ID>_MODEL sets it; null for the catalog's. */
    private volatile String providerDefault;

    /** A provider that bills: each call reports $0.30. */
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
        public java.util.Optional<String> configuredDefaultModel(Capability capability) {
            return java.util.Optional.ofNullable(providerDefault);
        }

        @Override
        public ProviderResult execute(ProviderRequest request) {
            calls.add(request.stepId());
            return ProviderResult.text("answer of " + request.stepId(), Map.of())
                    .withActualCost(new BigDecimal("0.30"));
        }
    }

    private static final String PRICING = """
            version: 1
            providers:
              paid:
                models:
                  cheap: { unit: request, price: 0.30, source: "test price list", as_of: "2026-11-22" }
                  secret: { unit: request, price: unknown, source: "nobody says", as_of: "2026-11-22" }
            """;

    private static final String PIPELINE = """
            pipeline_name: paid_steps
            output_directory: out
            global_config: { cost_limit: 5 }
            steps:
              - step_type: prompt_generation
                id: one
                provider: paid
                config: { prompt: "a", model: cheap }
              - step_type: prompt_generation
                id: two
                provider: paid
                depends_on: []
                config: { prompt: "b", model: cheap }
              - step_type: prompt_generation
                id: three
                provider: paid
                depends_on: []
                config: { prompt: "c", model: cheap }
              - step_type: prompt_generation
                id: four
                provider: paid
                depends_on: []
                config: { prompt: "d", model: cheap }
            """;

    private CliRunner runner() throws IOException {
        Files.writeString(dir.resolve("pricing.yaml"), PRICING);
        Paid paid = new Paid();
        return new CliRunner(dir).acpFactory(env -> {
            ProviderContext ctx = ProviderContext.of(env, Acp.acpHome(env), Clock.systemUTC());
            return Acp.create(env, ProviderRegistry.of(ctx, paid), LocalEngine.Options.defaults(env));
        });
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void steps_that_name_no_model_are_priced_as_the_model_the_provider_will_call() throws IOException {
        write("p.yaml", """
                pipeline_name: default_model
                output_directory: out
                steps:
                  - { step_type: prompt_generation, id: idea, provider: paid, config: { prompt: "a" } }
                """);
        write("defaults.yaml", """
                version: 1
                providers:
                  paid:
                    default_models: { prompt_generation: cheap }
                    models:
                      cheap: { unit: request, price: 0.30, source: "test price list", as_of: "2026-11-22" }
                      big: { unit: request, price: 2.00, source: "test price list", as_of: "2026-11-22" }
                """);
        CliRunner.Result catalogDefault = runner().run("pipeline", "estimate", "-c", "p.yaml", "--pricing",
                "defaults.yaml");
        assertThat(catalogDefault.out()).as(catalogDefault.err()).contains("paid/cheap").contains("Total: $0.30");

        // The provider picks another model (ACP_<ID>_MODEL): the estimate and the run's limit price that one.
        providerDefault = "big";
        CliRunner.Result estimate = runner().run("pipeline", "estimate", "-c", "p.yaml", "--pricing", "defaults.yaml");
        assertThat(estimate.out()).as(estimate.err()).contains("paid/big").contains("Total: $2.00");
        CliRunner.Result run = runner().run("pipeline", "run", "-c", "p.yaml", "--pricing", "defaults.yaml",
                "--cost-limit", "1");
        assertThat(run.exitCode()).as(run.err()).isEqualTo(4);
        assertThat(calls).isEmpty();
    }

    @Test
    void estimate_prints_each_step_with_its_formula_totals_and_the_limit() throws IOException {
        write("p.yaml", PIPELINE);
        CliRunner.Result r = runner().run("pipeline", "estimate", "-c", "p.yaml", "--pricing", "pricing.yaml");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("STEP").contains("paid/cheap").contains("1 request × $0.30/request")
                .contains("Total: $1.20 – $1.20 (expected $1.20)").contains("limit $5.00: the pessimistic total $1.20 fits");

        CliRunner.Result json = runner().run("pipeline", "estimate", "-c", "p.yaml", "--pricing", "pricing.yaml",
                "--format", "json", "--detailed", "--cost-limit", "1");
        JsonNode n = new ObjectMapper().readTree(json.out());
        assertThat(n.get("total_expected").decimalValue()).isEqualByComparingTo("1.20");
        assertThat(n.get("cost_limit").decimalValue()).isEqualByComparingTo("1");
        assertThat(n.get("within_limit").asBoolean()).isFalse();
        assertThat(n.get("steps").get(0).get("price_source").asText()).isEqualTo("test price list");
    }

    @Test
    void models_lists_capability_price_and_source() throws IOException {
        CliRunner.Result r = new CliRunner(dir).run("models");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("flux-dev").contains("text_to_image").contains("$0.025/MP")
                .contains("fal.ai model page fal-ai/flux/dev").contains("unknown")
                .contains("dall-e-3 (retired 2026-05-12)");
        CliRunner.Result json = new CliRunner(dir).run("models", "--format", "json");
        JsonNode n = new ObjectMapper().readTree(json.out());
        assertThat(n.isArray()).isTrue();
        assertThat(n.findValuesAsText("model")).contains("flux-dev", "eleven_multilingual_v2");
    }

    @Test
    void a_run_above_confirm_above_without_a_terminal_is_refused_with_exit_4_and_nothing_runs() throws IOException {
        write("p.yaml", PIPELINE);
        CliRunner.Result r = runner().run("pipeline", "run", "-c", "p.yaml", "--pricing", "pricing.yaml");
        assertThat(r.exitCode()).isEqualTo(4);
        assertThat(r.err()).contains("no terminal to confirm on: pass --yes");
        assertThat(calls).isEmpty();
        assertThat(Files.exists(dir.resolve(".acp-home/runs"))).isFalse();
    }

    @Test
    void declining_the_prompt_refuses_and_accepting_runs() throws IOException {
        write("p.yaml", PIPELINE);
        CliRunner.Result no = runner().prompt(q -> false).run("pipeline", "run", "-c", "p.yaml", "--pricing",
                "pricing.yaml");
        assertThat(no.exitCode()).isEqualTo(4);
        assertThat(calls).isEmpty();
        List<String> asked = new CopyOnWriteArrayList<>();
        CliRunner.Result yes = runner().prompt(q -> asked.add(q)).run("pipeline", "run", "-c", "p.yaml", "--pricing",
                "pricing.yaml");
        assertThat(yes.exitCode()).as(yes.err()).isZero();
        assertThat(asked).singleElement().asString().contains("may cost up to $1.20");
        assertThat(calls).hasSize(4);
    }

    @Test
    void a_paid_step_of_unknown_price_with_no_limit_never_spends_unasked() throws IOException {
        write("u.yaml", """
                pipeline_name: unknown_price
                output_directory: out
                steps:
                  - { id: mystery, step_type: prompt_generation, provider: paid, config: { prompt: x, model: secret } }
                """);
        // No terminal: refused, naming the step, nothing called.
        CliRunner.Result refused = runner().run("pipeline", "run", "-c", "u.yaml", "--pricing", "pricing.yaml");
        assertThat(refused.exitCode()).isEqualTo(4);
        assertThat(refused.err()).contains("the cost of mystery is unknown and no cost limit caps the run")
                .contains("pass --yes to run it, or set a cost limit");
        assertThat(calls).isEmpty();
        // On a terminal it asks, naming the step; declined, nothing runs; agreed, it runs.
        List<String> asked = new CopyOnWriteArrayList<>();
        CliRunner.Result declined = runner().prompt(q -> {
            asked.add(q);
            return false;
        }).run("pipeline", "run", "-c", "u.yaml", "--pricing", "pricing.yaml");
        assertThat(declined.exitCode()).isEqualTo(4);
        assertThat(asked).singleElement().asString().contains("the cost of mystery is unknown");
        assertThat(calls).isEmpty();
        assertThat(runner().run("pipeline", "run", "-c", "u.yaml", "--pricing", "pricing.yaml", "--yes").exitCode())
                .isZero();
        assertThat(calls).containsExactly("mystery");
    }

    @Test
    void with_yes_the_limit_skips_what_does_not_fit_and_the_report_says_so() throws IOException {
        // A provider that bills failures: one retry doubles the pessimistic estimate to $0.60 a step.
        Files.writeString(dir.resolve("retry-pricing.yaml"), PRICING.replace("  paid:\n", "  paid:\n    bills_failures: true\n"));
        write("p.yaml", PIPELINE.replace("    depends_on: []\n", "").replace("provider: paid\n", "provider: paid\n    retry_count: 1\n"));
        // In file order: $0.60 reserved and $0.30 settled per step; the fourth finds $0.90 spent and
        // $0.60 more does not fit under $1.25: it is skipped for budget, the expected $1.20 would have fitted.
        CliRunner.Result r = runner().run("pipeline", "run", "-c", "p.yaml", "--pricing", "retry-pricing.yaml", "--yes",
                "--cost-limit", "1.25", "--format", "json");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        assertThat(calls).containsExactly("one", "two", "three");
        JsonNode report = new ObjectMapper().readTree(r.out());
        JsonNode cost = report.get("cost");
        assertThat(cost.get("actual").decimalValue()).isEqualByComparingTo("0.90");
        assertThat(cost.get("limit").decimalValue()).isEqualByComparingTo("1.25");
        assertThat(cost.get("budget_skipped")).hasSize(1);
        assertThat(cost.get("budget_skipped").get(0).get("step_id").asText()).isEqualTo("four");
        assertThat(cost.get("budget_skipped").get(0).get("reason").asText()).startsWith("budget:")
                .contains("limit of $1.25");
        assertThat(cost.get("by_provider").get("paid").get("actual").decimalValue()).isEqualByComparingTo("0.90");
        assertThat(report.get("total_cost").decimalValue()).isEqualByComparingTo("0.90");
    }

    @Test
    void an_unknown_price_under_a_limit_is_refused_unless_allowed() throws IOException {
        write("u.yaml", """
                pipeline_name: unknown
                output_directory: out
                global_config: { cost_limit: 5 }
                steps:
                  - step_type: prompt_generation
                    id: mystery
                    provider: paid
                    config: { prompt: "a", model: secret }
                """);
        CliRunner.Result r = runner().run("pipeline", "run", "-c", "u.yaml", "--pricing", "pricing.yaml", "--yes");
        assertThat(r.exitCode()).isEqualTo(4);
        assertThat(r.err()).contains("the cost of mystery is unknown").contains("--allow-unknown-prices");
        assertThat(calls).isEmpty();
        CliRunner.Result allowed = runner().run("pipeline", "run", "-c", "u.yaml", "--pricing", "pricing.yaml", "--yes",
                "--allow-unknown-prices");
        assertThat(allowed.exitCode()).as(allowed.err()).isZero();
        assertThat(calls).containsExactly("mystery");
    }

    @Test
    void bad_limits_and_pricing_files_exit_2_with_one_line() throws IOException {
        write("p.yaml", PIPELINE);
        CliRunner.Result negative = runner().run("pipeline", "run", "-c", "p.yaml", "--cost-limit=-1");
        assertThat(negative.exitCode()).isEqualTo(2);
        assertThat(negative.err().strip()).isEqualTo("acp: error: --cost-limit is negative (-1); give an amount of 0 or"
                + " more");
        CliRunner.Result text = runner().run("pipeline", "estimate", "-c", "p.yaml", "--cost-limit", "abc");
        assertThat(text.exitCode()).isEqualTo(2);
        assertThat(text.err()).contains("--cost-limit must be an amount of US dollars, found 'abc'");
        write("bad.yaml", PIPELINE.replace("cost_limit: 5", "cost_limit: abc"));
        CliRunner.Result file = runner().run("pipeline", "run", "-c", "bad.yaml");
        assertThat(file.exitCode()).isEqualTo(2);
        assertThat(file.err()).contains("bad.yaml:3:").contains("cost_limit must be a number of US dollars");
        write("broken.yaml", "providers:\n  paid:\n    models:\n      cheap: { unit: frames, price: 1, source: s, as_of: x }\n");
        CliRunner.Result pricing = runner().run("pipeline", "estimate", "-c", "p.yaml", "--pricing", "broken.yaml");
        assertThat(pricing.exitCode()).isEqualTo(2);
        assertThat(pricing.err()).contains("broken.yaml:4:").contains("unknown billing unit 'frames'");
    }

    @Test
    void offline_runs_cost_nothing_and_never_ask() throws IOException {
        write("p.yaml", PIPELINE.replace("provider: paid\n", "").replace("model: cheap", "model: local"));
        CliRunner.Result r = new CliRunner(dir).run("pipeline", "run", "-c", "p.yaml", "--offline");
        assertThat(r.err()).doesNotContain("confirm");
        assertThat(r.exitCode()).as(r.err()).isNotEqualTo(4);
    }
}
