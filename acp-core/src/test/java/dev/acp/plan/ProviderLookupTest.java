package dev.acp.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.pipeline.Capability;
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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The planner resolves each provider once for a whole plan: a step's own provider and its
 * fallback alternatives read the same answers, so a pipeline of many steps on two providers asks
 * each provider's factory about its credentials once, not once per step and alternative.
 */
class ProviderLookupTest {
    @TempDir
    Path dir;

    /** A factory that counts how often the planner asks it for its credentials. */
    record Counting(ProviderFactory inner, AtomicInteger credentialChecks) implements ProviderFactory {
        Counting(ProviderFactory inner) {
            this(inner, new AtomicInteger());
        }

        @Override
        public String id() {
            return inner.id();
        }

        @Override
        public Set<Capability> capabilities() {
            return inner.capabilities();
        }

        @Override
        public Optional<String> missingCredentials(ProviderContext context) {
            credentialChecks.incrementAndGet();
            return Optional.empty();
        }

        @Override
        public Provider create(ProviderContext context) {
            return inner.create(context);
        }
    }

    @Test
    void each_provider_is_asked_about_its_credentials_once_for_all_steps_and_fallbacks() {
        Counting first = new Counting(LambdaProvider.of("first", r -> ProviderResult.text("x", Map.of())));
        Counting second = new Counting(LambdaProvider.of("second", r -> ProviderResult.text("x", Map.of())));
        StringBuilder yaml = new StringBuilder("pipeline_name: many\nsteps:\n");
        for (int i = 0; i < 30; i++) {
            yaml.append("  - { step_type: prompt_generation, id: s").append(i).append(", depends_on: [],")
                    .append(" provider: first, config: { prompt: p").append(i).append(" },")
                    .append(" fallback: [ { provider: second } ] }\n");
        }
        PlanResult r = new TestAcp(dir, first, second).checkForRun(yaml.toString(), RunSettings.run(dir));

        assertThat(r.errors()).isEmpty();
        assertThat(r.plan().tasks()).hasSize(30).allSatisfy(t -> {
            assertThat(t.providerId()).isEqualTo("first");
            assertThat(t.fallbacks()).singleElement().extracting(PlannedTask.Fallback::providerId)
                    .isEqualTo("second");
        });
        assertThat(first.credentialChecks()).hasValue(1);
        assertThat(second.credentialChecks()).hasValue(1);
    }

    @Test
    void the_same_candidate_answers_for_the_primary_and_an_alternative() {
        Counting first = new Counting(LambdaProvider.of("first", r -> ProviderResult.text("x", Map.of())));
        ProviderLookup lookup = new ProviderLookup(
                dev.acp.provider.ProviderRegistry.of(ProviderContext.of(dev.acp.env.Environment.of(Map.of()),
                        dir, java.time.Clock.systemUTC()), first), dev.acp.catalog.ProviderCatalog.builtIn());

        ProviderLookup.Candidate a = lookup.candidate("first");
        ProviderLookup.Candidate b = lookup.candidate("first");
        lookup.missingCredentials(a);
        lookup.missingCredentials(b);

        assertThat(b).isSameAs(a);
        assertThat(a.isInstalled()).isTrue();
        assertThat(lookup.candidate("nobody").isKnown()).isFalse();
        assertThat(first.credentialChecks()).hasValue(1);
    }
}
