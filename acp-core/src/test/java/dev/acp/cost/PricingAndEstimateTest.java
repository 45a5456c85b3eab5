package dev.acp.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.acp.catalog.ProviderCatalog;
import dev.acp.error.UsageException;
import dev.acp.plan.ExecutionPlan;
import dev.acp.testing.LambdaProvider;
import dev.acp.testing.TestAcp;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pricing catalog (bundled, overrides, bad files) and estimates of the seed examples. */
class PricingAndEstimateTest {
    @TempDir
    Path dir;

    private static final Path SEEDS = Path.of("..", "examples", "seed");

    @Test
    void every_model_in_the_provider_catalog_has_its_own_price_or_an_explicit_unknown() {
        PricingCatalog pricing = PricingCatalog.builtIn();
        List<String> missing = new ArrayList<>();
        ProviderCatalog.builtIn().models().values().forEach(m -> {
            // Priced under its own name or the provider's id for it, never only by the provider's '*'.
            PriceEntry e = pricing.lookup(m.provider(), m.name(), m.capability()).orElse(null);
            if (e == null || e.model().equals("*")) {
                missing.add(m.provider() + "/" + m.name());
            }
        });
        assertThat(missing).as("models without a pricing entry of their own").isEmpty();
        // Every provider of the catalog is priced (at least as unknown) and each entry has a source and date.
        ProviderCatalog.builtIn().providers().values().forEach(p -> assertThat(pricing.provider(p.id())).as(p.id()).isPresent());
        pricing.providers().forEach(p -> p.models().values().forEach(e -> {
            assertThat(e.source()).isNotBlank().doesNotContain("prices.md").doesNotContain("providers.md");
            assertThat(e.asOf()).matches("\\d{4}-\\d{2}-\\d{2}");
        }));
    }

    @Test
    void the_seed_examples_estimate_from_the_published_prices() throws IOException {
        TestAcp acp = new TestAcp(dir, LambdaProvider.of("fal", r -> null), LambdaProvider.of("elevenlabs", r -> null));
        Estimator estimator = new Estimator(PricingCatalog.builtIn());

        ExecutionPlan content = acp.plan(Files.readString(SEEDS.resolve("content_creation.yaml")));
        PipelineEstimate e = PipelineEstimate.of(content, estimator, null);
        Map<String, StepEstimate> byStep = new java.util.HashMap<>();
        e.steps().forEach(s -> byStep.put(s.model(), s));
        // flux-dev: 1024×576 is 0.56 MP, billed as 1 whole MP at $0.025.
        assertThat(byStep.get("flux-dev").expected()).isEqualByComparingTo("0.025");
        assertThat(byStep.get("flux-dev").formula()).isEqualTo("1 MP (1024×576) × $0.025/MP");
        // fal publishes no price for MiniMax video-01: unknown, never guessed.
        assertThat(byStep.get("minimax-hailuo-pro").cost()).isInstanceOf(StepEstimate.Unknown.class);
        assertThat(e.unknownSteps()).hasSize(1);
        // 50 characters × 1 credit × the highest published price of a credit (no plan configured).
        StepEstimate speech = byStep.get("eleven_multilingual_v2");
        assertThat(speech.expected()).isEqualByComparingTo("0.015");
        assertThat(speech.formula()).startsWith("50 chars × 1 credit/char × $0.0003/credit [assumed");
        assertThat(e.expected()).isEqualByComparingTo("0.04");
        assertThat(e.limit()).isEqualByComparingTo("20.0");

        ExecutionPlan voices = acp.plan(Files.readString(SEEDS.resolve("parallel_voices.yaml")));
        PipelineEstimate v = PipelineEstimate.of(voices, estimator, new BigDecimal("0.5"));
        assertThat(v.steps()).hasSize(2);
        assertThat(v.expected()).isEqualByComparingTo("0.0132"); // 22 + 22 characters
        assertThat(v.limit()).isEqualByComparingTo("0.5"); // --cost-limit wins over the file's 10.0
    }

    @Test
    void for_each_steps_are_estimated_once_per_item_when_the_count_is_known_and_unknown_otherwise() {
        TestAcp acp = new TestAcp(dir, LambdaProvider.of("fal", r -> null), LambdaProvider.of("openrouter", r -> null));
        ExecutionPlan plan = acp.plan("""
                pipeline_name: fan_out
                inputs:
                  topics: { type: list, default: [a, b, c] }
                steps:
                  - id: scenes
                    step_type: story_to_scenes
                    provider: openrouter
                    config: { story: "Once upon a time.", num_scenes: 4 }
                  - id: per_topic
                    for_each: "{{inputs.topics}}"
                    steps:
                      - { id: poster, step_type: text_to_image, config: { prompt: "{{item}}", model: flux-dev }, output_filename: "p_{{index}}.png" }
                  - id: per_scene
                    for_each: "{{steps.scenes.items}}"
                    steps:
                      - { id: still, step_type: text_to_image, config: { prompt: "{{item.image_prompt}}", model: flux-dev }, output_filename: "s_{{index}}.png" }
                  - id: scenes_free
                    step_type: story_to_scenes
                    provider: openrouter
                    config: { story: "Once upon a time." }
                  - id: per_free_scene
                    for_each: "{{steps.scenes_free.items}}"
                    steps:
                      - { id: shot, step_type: text_to_image, config: { prompt: "{{item.image_prompt}}", model: flux-dev }, output_filename: "f_{{index}}.png" }
                """);
        PipelineEstimate e = PipelineEstimate.of(plan, new Estimator(PricingCatalog.builtIn()), null);
        Map<String, StepEstimate> rows = new java.util.HashMap<>();
        e.steps().forEach(r -> rows.put(r.stepId(), r));
        // 1024×1024 is one megapixel at fal ($0.025), two at the high end (1,000,000 pixels a megapixel).
        assertThat(rows.get("poster[1..3]").expected()).isEqualByComparingTo("0.075");
        assertThat(rows.get("poster[1..3]").formula()).startsWith("3 items × (1 MP (1024×1024) × $0.025/MP");
        assertThat(rows.get("still[1..4]").high()).isEqualByComparingTo("0.2");
        assertThat(rows.get("shot[1..n]").cost()).isInstanceOf(StepEstimate.Unknown.class);
        assertThat(e.unknownSteps()).contains("shot[1..n]");
    }

    @Test
    void a_pipeline_with_an_unknown_price_is_flagged_under_a_limit() {
        TestAcp acp = new TestAcp(dir, LambdaProvider.of("fal", r -> null));
        ExecutionPlan plan = acp.plan("""
                pipeline_name: unknown_price
                global_config: { cost_limit: 5 }
                steps:
                  - step_type: image_to_image
                    config: { prompt: "x", model: flux-dev-image-to-image, image_url: "https://example.com/a.png" }
                """);
        PipelineEstimate e = PipelineEstimate.of(plan, new Estimator(PricingCatalog.builtIn()), null);
        assertThat(e.unknownSteps()).hasSize(1);
        assertThat(e.unknownUnderLimit(plan)).isTrue();
        assertThat(((StepEstimate.Unknown) e.steps().get(0).cost()).reason()).contains("no published price")
                .contains("fal/flux-dev-image-to-image");
        // And the engine's budget refuses it at dispatch too, unless unknown prices are allowed.
        RunBudget strict = new RunBudget(new Estimator(PricingCatalog.builtIn()),
                new SpendLedger(new BigDecimal("5"), Map.of(), DailySpend.NONE), false);
        assertThat(strict.admit(plan.tasks().get(0), plan.tasks().get(0).spec().config()))
                .isInstanceOf(CostControl.Refused.class);
        RunBudget lenient = new RunBudget(new Estimator(PricingCatalog.builtIn()),
                new SpendLedger(new BigDecimal("5"), Map.of(), DailySpend.NONE), true);
        assertThat(lenient.admit(plan.tasks().get(0), plan.tasks().get(0).spec().config()))
                .isInstanceOf(CostControl.Go.class);
    }

    @Test
    void estimates_follow_the_parameters() {
        PricingCatalog pricing = PricingCatalog.builtIn().merge(PricingCatalog.parse("""
                version: 1
                providers:
                  fal:
                    bills_failures: true
                    models:
                      mp-model: { unit: megapixel, price: 0.025, source: test, as_of: "2026-11-22" }
                      video: { unit: video_second, by_resolution: { 720p: 0.1, 1080p: 0.2 }, default_resolution: 720p, source: test, as_of: "2026-11-22" }
                  elevenlabs:
                    models:
                      eleven_multilingual_v2: { unit: 1k_characters, price: 0.3, max_quantity: 5000, source: test, as_of: "2026-11-22" }
                """, "over.yaml"));
        TestAcp acp = new TestAcp(dir, LambdaProvider.of("fal", r -> null), LambdaProvider.of("elevenlabs", r -> null));
        ExecutionPlan plan = acp.plan("""
                pipeline_name: params
                steps:
                  - step_type: text_to_image
                    id: img
                    retry_count: 2
                    config: { prompt: "x", model: mp-model, image_size: landscape_16_9, num_images: 2 }
                  - step_type: text_to_video
                    id: vid
                    config: { prompt: "x", model: video, duration: 8, resolution: 1080p }
                  - step_type: text_to_speech
                    id: say
                    config: { text: "Hello {{steps.img.output}}" }
                """);
        Estimator est = new Estimator(pricing);
        StepEstimate img = est.estimate(plan.tasks().get(0));
        // 1024×576 = 0.59 MP (to the cent of a megapixel, up) × 2 images × $0.025; fal bills failures
        // here: 3 attempts at most.
        assertThat(img.expected()).isEqualByComparingTo("0.0295");
        assertThat(img.high()).isEqualByComparingTo("0.0885");
        assertThat(img.formula()).contains("0.59 MP").contains("3 billed attempts");
        StepEstimate vid = est.estimate(plan.tasks().get(1));
        assertThat(vid.expected()).isEqualByComparingTo("1.6");
        assertThat(vid.formula()).isEqualTo("8 s × $0.20/s (1080p)");
        StepEstimate say = est.estimate(plan.tasks().get(2));
        // The template's text is only known at run time: bounded by max_quantity.
        assertThat(say.low()).isEqualByComparingTo("0.0018"); // "Hello " = 6 characters
        assertThat(say.high()).isEqualByComparingTo("1.5");
        // At dispatch the rendered text is exact.
        StepEstimate rendered = est.estimate(plan.tasks().get(2), Map.of("text", "x".repeat(1000)));
        assertThat(rendered.high()).isEqualByComparingTo("0.3");
    }

    @Test
    void user_pricing_overrides_bundled_entries() throws IOException {
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.writeString(home.resolve("pricing.yaml"), """
                version: 1
                providers:
                  fal:
                    models:
                      flux-dev: { unit: image, price: 0.02, source: "my invoice", as_of: "2026-11-01" }
                """);
        Path explicit = Files.writeString(dir.resolve("p.yaml"), """
                providers:
                  fal:
                    models:
                      flux-schnell: { unit: image, price: 0.002, source: "--pricing", as_of: "2026-11-02" }
                """);
        PricingCatalog c = PricingCatalog.load(home, explicit);
        assertThat(c.lookup("fal", "flux-dev", dev.acp.pipeline.Capability.TEXT_TO_IMAGE).orElseThrow().price())
                .isEqualByComparingTo("0.02");
        assertThat(c.lookup("fal", "flux-schnell", dev.acp.pipeline.Capability.TEXT_TO_IMAGE).orElseThrow().source())
                .isEqualTo("--pricing");
        // Untouched entries stay.
        assertThat(c.lookup("fal", "imagen-4", dev.acp.pipeline.Capability.TEXT_TO_IMAGE).orElseThrow().price())
                .isEqualByComparingTo("0.0398");
    }

    @Test
    void bad_pricing_files_are_refused_with_line_and_column() {
        assertThatThrownBy(() -> PricingCatalog.parse("providers:\n  fal: {\n", "bad.yaml"))
                .isInstanceOf(UsageException.class).hasMessageStartingWith("bad.yaml:")
                .hasMessageMatching("bad\\.yaml:\\d+:\\d+: error: cannot parse YAML.*");
        assertThatThrownBy(() -> PricingCatalog.parse("""
                providers:
                  fal:
                    models:
                      m: { unit: frames, price: 1, source: s, as_of: "2026-11-22" }
                """, "unit.yaml"))
                .hasMessageContaining("unit.yaml:4:18").hasMessageContaining("unknown billing unit 'frames'")
                .hasMessageContaining("image, megapixel, video_second");
        assertThatThrownBy(() -> PricingCatalog.parse("""
                providers:
                  fal:
                    models:
                      m: { unit: image, price: -0.5, source: s, as_of: "2026-11-22" }
                """, "neg.yaml"))
                .hasMessageContaining("neg.yaml:4:").hasMessageContaining("negative");
        assertThatThrownBy(() -> PricingCatalog.parse("""
                providers:
                  fal:
                    models:
                      m: { unit: image, source: s, as_of: "2026-11-22" }
                """, "none.yaml"))
                .hasMessageContaining("has no price").hasMessageContaining("unknown");
    }

    @Test
    void a_user_pricing_file_whose_unit_cannot_bill_the_model_is_refused_with_file_and_line() throws IOException {
        Path home = Files.createDirectories(dir.resolve("home-units"));
        Files.writeString(home.resolve("pricing.yaml"), """
                version: 1
                providers:
                  fal:
                    models:
                      flux-dev: { unit: video_second, price: 0.1, source: mine, as_of: "2026-12-01" }
                """);
        assertThatThrownBy(() -> PricingCatalog.load(home, null)).isInstanceOf(UsageException.class)
                .hasMessageStartingWith(home.resolve("pricing.yaml") + ":5:")
                .hasMessageContaining("unit video_second cannot bill text_to_image steps")
                .hasMessageContaining("use one of image, megapixel");
        // A key of another unit is named as such.
        Files.writeString(home.resolve("pricing.yaml"), """
                providers:
                  elevenlabs:
                    models:
                      eleven_v3: { unit: credits, credits_per_character: 1, price: 0.3, source: mine, as_of: "2026-12-01" }
                """);
        assertThatThrownBy(() -> PricingCatalog.load(home, null)).hasMessageContaining(":4:")
                .hasMessageContaining("'price' does not apply to unit credits");
    }

    @Test
    void a_credit_price_or_plan_that_is_not_one_is_refused_with_file_and_line() throws IOException {
        Path home = Files.createDirectories(dir.resolve("home-credits"));
        Files.writeString(home.resolve("config.yaml"), "providers:\n  elevenlabs: { credit_price: -0.0002 }\n");
        assertThatThrownBy(() -> PricingCatalog.load(home, null)).isInstanceOf(UsageException.class)
                .hasMessageStartingWith(home.resolve("config.yaml") + ":2:")
                .hasMessageContaining("providers.elevenlabs.credit_price must be 0 or more, found -0.0002");
        Files.writeString(home.resolve("config.yaml"), "providers:\n  elevenlabs:\n    credit_price: \"cheap\"\n");
        assertThatThrownBy(() -> PricingCatalog.load(home, null)).hasMessageContaining("config.yaml:3:")
                .hasMessageContaining("credit_price must be a number").hasMessageContaining("without quotes");
        Files.writeString(home.resolve("config.yaml"), "providers:\n  elevenlabs: { plan: platinum }\n");
        assertThatThrownBy(() -> PricingCatalog.load(home, null)).hasMessageContaining("plan 'platinum' is not a"
                + " plan ACP knows; use one of starter, creator, pro, scale, business");
        Files.writeString(home.resolve("config.yaml"), "providers:\n  elevenlabs: { plan: Pro }\n");
        assertThat(PricingCatalog.load(home, null).creditPrice("elevenlabs").orElseThrow().expected())
                .isEqualByComparingTo("0.000165");
    }

    @Test
    void a_step_may_hold_two_reservations_at_once_even_of_nothing() {
        // A request sent again after a lost answer: the possible first charge is reserved and settled
        // while the step's own reservation is open; with an unknown price both are zero.
        SpendLedger ledger = new SpendLedger(null, Map.of(), DailySpend.NONE);
        var own = (SpendLedger.Reserved) ledger.reserve("s", "p", BigDecimal.ZERO, null);
        var possible = (SpendLedger.Reserved) ledger.reserve("s", "p", BigDecimal.ZERO, null);
        ledger.settle(possible.reservation(), BigDecimal.ZERO);
        ledger.settle(own.reservation(), new BigDecimal("0.02"));
        assertThat(ledger.settled()).isEqualByComparingTo("0.02");
        var a = (SpendLedger.Reserved) ledger.reserve("t", "p", new BigDecimal("0.10"), null);
        var b = (SpendLedger.Reserved) ledger.reserve("t", "p", BigDecimal.ZERO, null);
        ledger.release(a.reservation());
        ledger.release(b.reservation());
        assertThat(ledger.reserved()).isEqualByComparingTo("0");
    }

    @Test
    void the_ledger_refuses_what_does_not_fit_and_releases_in_full() {
        SpendLedger ledger = new SpendLedger(new BigDecimal("1.00"), Map.of("earlier", new BigDecimal("0.40")),
                DailySpend.NONE);
        var a = (SpendLedger.Reserved) ledger.reserve("a", "fal", new BigDecimal("0.50"), null);
        assertThat(ledger.reserve("b", "fal", new BigDecimal("0.20"), null)).isInstanceOf(SpendLedger.Refused.class);
        ledger.release(a.reservation());
        assertThat(ledger.reserved()).isEqualByComparingTo("0");
        var b = (SpendLedger.Reserved) ledger.reserve("b", "fal", new BigDecimal("0.20"), new BigDecimal("0.30"));
        assertThat(ledger.settle(b.reservation(), new BigDecimal("0.25"))).isInstanceOf(SpendLedger.Overrun.class);
        assertThat(ledger.settled()).isEqualByComparingTo("0.65");
        assertThat(ledger.reserve("b", "fal", new BigDecimal("0.10"), new BigDecimal("0.30")))
                .isInstanceOfSatisfying(SpendLedger.Refused.class, r -> assertThat(r.limit()).isEqualTo("step"));
        assertThatThrownBy(() -> ledger.release(a.reservation())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void the_daily_limit_is_shared_through_the_file() {
        java.time.Clock clock = java.time.Clock.fixed(java.time.Instant.parse("2026-11-22T10:00:00Z"),
                java.time.ZoneOffset.UTC);
        DailySpendFile one = new DailySpendFile(dir, Map.of("fal", new BigDecimal("1.00")), clock);
        DailySpendFile two = new DailySpendFile(dir, Map.of("fal", new BigDecimal("1.00")), clock);
        SpendLedger first = new SpendLedger(null, Map.of(), one);
        SpendLedger second = new SpendLedger(null, Map.of(), two);
        var r = (SpendLedger.Reserved) first.reserve("a", "fal", new BigDecimal("0.70"), null);
        assertThat(second.reserve("b", "fal", new BigDecimal("0.40"), null))
                .isInstanceOfSatisfying(SpendLedger.Refused.class, x -> assertThat(x.message()).contains("daily limit"));
        first.settle(r.reservation(), new BigDecimal("0.50"));
        assertThat(two.spentToday("fal")).isEqualByComparingTo("0.50");
        assertThat(second.reserve("b", "fal", new BigDecimal("0.40"), null)).isInstanceOf(SpendLedger.Reserved.class);
        // Another day starts from zero.
        DailySpendFile tomorrow = new DailySpendFile(dir, Map.of("fal", new BigDecimal("1.00")),
                java.time.Clock.offset(clock, java.time.Duration.ofDays(1)));
        assertThat(tomorrow.spentToday("fal")).isEqualByComparingTo("0");
    }
}
