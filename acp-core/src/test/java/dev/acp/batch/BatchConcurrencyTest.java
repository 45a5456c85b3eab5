package dev.acp.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.http.Governor;
import dev.acp.pipeline.Capability;
import dev.acp.plan.ExecutionPlan;
import dev.acp.provider.Provider;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderFactory;
import dev.acp.provider.ProviderResult;
import dev.acp.testing.LambdaProvider;
import dev.acp.testing.TestAcp;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The default number of rows in flight: the tightest provider's governor, or the cores for local steps. */
class BatchConcurrencyTest {
    @TempDir
    Path dir;

    static final Map<String, Governor.Settings> LIMITS = Map.of(
            "jobs", new Governor.Settings(10, 40, 10),   // asynchronous: 40 jobs at once
            "voice", new Governor.Settings(4, 4, 10),    // synchronous: 4 calls at once
            "huge", new Governor.Settings(500, 1000, 10));

    static Optional<Governor.Settings> limits(String provider) {
        return Optional.ofNullable(LIMITS.get(provider)); // "free" has no governor, as a local engine
    }

    private ExecutionPlan plan(String... providers) {
        TestAcp acp = new TestAcp(dir, Set.of(providers).stream().map(BatchConcurrencyTest::text)
                .toArray(ProviderFactory[]::new));
        StringBuilder yaml = new StringBuilder("pipeline_name: p\noutput_directory: out\nsteps:\n");
        for (String p : providers) {
            yaml.append("  - { step_type: prompt_generation, provider: ").append(p).append(", config: { prompt: x } }\n");
        }
        return acp.plan(yaml.toString());
    }

    private static LambdaProvider text(String id) {
        return LambdaProvider.free(id, r -> ProviderResult.text("x", Map.of()));
    }

    @Test
    void the_tightest_provider_sets_it_by_the_larger_of_its_requests_and_jobs() {
        assertThat(BatchConcurrency.of(plan("jobs", "free"), BatchConcurrencyTest::limits, 2).rows()).isEqualTo(40);
        BatchConcurrency c = BatchConcurrency.of(plan("jobs", "voice", "free"), BatchConcurrencyTest::limits, 2);
        assertThat(c.rows()).isEqualTo(4);
        assertThat(c.reason()).isEqualTo("the tightest provider, voice, takes 4 at once");
    }

    @Test
    void local_steps_only_run_one_row_per_core_at_least_eight_at_most_sixty_four() {
        assertThat(BatchConcurrency.of(plan("free"), BatchConcurrencyTest::limits, 12).rows()).isEqualTo(12);
        // Rows of local steps wait on the disk much of their time: a few cores still get several.
        assertThat(BatchConcurrency.of(plan("free"), BatchConcurrencyTest::limits, 2).rows())
                .isEqualTo(BatchConcurrency.LOCAL_LEAST);
        assertThat(BatchConcurrency.of(plan("free"), BatchConcurrencyTest::limits, 256).rows())
                .isEqualTo(BatchConcurrency.MAX);
        assertThat(BatchConcurrency.of(null, BatchConcurrencyTest::limits, 10).rows()).isEqualTo(10);
    }

    @Test
    void a_generous_provider_is_capped() {
        assertThat(BatchConcurrency.of(plan("huge"), BatchConcurrencyTest::limits, 2).rows())
                .isEqualTo(BatchConcurrency.MAX);
    }

    /** A provider that creates its governor when it is created, as the HTTP providers do. */
    record Governed(String id, Governor.Settings defaults) implements ProviderFactory {
        @Override
        public Set<Capability> capabilities() {
            return Set.of(Capability.PROMPT_GENERATION);
        }

        @Override
        public Provider create(ProviderContext context) {
            context.governors().of(id, defaults);
            return text(id).create(context);
        }
    }

    @Test
    void the_registry_gives_each_provider_its_own_defaults_and_the_users_overrides() {
        Governed paid = new Governed("paid", new Governor.Settings(3, 5, 10));
        String yaml = "pipeline_name: p\noutput_directory: out\nsteps:\n"
                + "  - { step_type: prompt_generation, provider: paid, config: { prompt: x } }\n";
        TestAcp acp = new TestAcp(dir, paid);
        // Asking must not create the governor with the generic defaults before the provider does.
        assertThat(acp.acp().registry().context().governors().settings("paid")).isEmpty();
        assertThat(BatchConcurrency.of(acp.plan(yaml), acp.acp().registry()).rows()).isEqualTo(5);

        TestAcp overridden = new TestAcp(dir.resolve("o"), Map.of("ACP_PAID_MAX_JOBS", "2"), paid);
        assertThat(BatchConcurrency.of(overridden.plan(yaml), overridden.acp().registry()).rows()).isEqualTo(3);
    }
}
