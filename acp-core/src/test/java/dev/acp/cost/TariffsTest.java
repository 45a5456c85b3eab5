package dev.acp.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.pipeline.Capability;
import dev.acp.provider.Usage;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a provider reported delivering, priced with the built-in tariffs: the settlement a bill would show. */
class TariffsTest {
    private static final PricingCatalog PRICES = PricingCatalog.builtIn();

    private static Tariff tariff(String provider, String model, Capability capability) {
        return PRICES.lookup(provider, model, capability).orElseThrow().tariff();
    }

    private static BigDecimal charge(Tariff t, Usage usage, Map<String, Object> params) {
        return Tariffs.charge(t, usage, params, PRICES.creditPrice("elevenlabs").orElse(null)).orElseThrow().amount();
    }

    @Test
    void fal_flux_bills_each_image_in_whole_megapixels() {
        Tariff flux = tariff("fal", "flux-dev", Capability.TEXT_TO_IMAGE);
        // 1024×768 is under one megapixel, 1440×1440 two (2,073,600 pixels of 1,048,576 each, rounded up).
        Usage two = new Usage.Images(List.of(new Usage.Size(1024, 768), new Usage.Size(1440, 1440)));
        assertThat(charge(flux, two, Map.of())).isEqualByComparingTo("0.075");
        // Sizes the answer leaves out come from what the step asked for.
        assertThat(charge(flux, Usage.Images.count(2), Map.of("image_size", "landscape_16_9")))
                .isEqualByComparingTo("0.05");
    }

    @Test
    void fal_kling_bills_a_base_clip_and_each_second_beyond_it() {
        Tariff kling = tariff("fal", "kling-video-image-to-video", Capability.IMAGE_TO_VIDEO);
        assertThat(charge(kling, new Usage.Video(new BigDecimal("5"), null, null), Map.of()))
                .isEqualByComparingTo("0.28");
        assertThat(charge(kling, new Usage.Video(new BigDecimal("10"), null, null), Map.of()))
                .isEqualByComparingTo("0.56");
    }

    @Test
    void veo_on_fal_bills_sound_unless_it_was_turned_off() {
        Tariff veo = tariff("fal", "google-veo-3", Capability.TEXT_TO_VIDEO);
        Usage eight = new Usage.Video(new BigDecimal("8"), null, null);
        assertThat(charge(veo, eight, Map.of())).isEqualByComparingTo("3.20");
        assertThat(charge(veo, eight, Map.of("generate_audio", false))).isEqualByComparingTo("1.60");
    }

    @Test
    void elevenlabs_credits_are_priced_at_the_assumed_highest_price_of_a_credit_without_a_plan() {
        Tariff v2 = tariff("elevenlabs", "eleven_multilingual_v2", Capability.TEXT_TO_SPEECH);
        assertThat(charge(v2, new Usage.Credits(new BigDecimal("1000")), Map.of())).isEqualByComparingTo("0.30");
        // Characters when the header is missing: credits per character of the model.
        Tariff flash = tariff("elevenlabs", "eleven_flash_v2_5", Capability.TEXT_TO_SPEECH);
        assertThat(charge(flash, new Usage.Characters(1000), Map.of())).isEqualByComparingTo("0.15");
    }

    @Test
    void a_plan_in_the_configuration_prices_credits_and_its_overage_bounds_the_estimate() {
        PricingCatalog creator = PRICES.withCreditPrices(new dev.acp.config.AcpConfig(Map.of("elevenlabs",
                new dev.acp.config.AcpConfig.ProviderConfig(null, null, null, null, null, null, "Creator", null, null))),
                "config.yaml");
        CreditPrice price = creator.creditPrice("elevenlabs").orElseThrow();
        assertThat(price.expected()).isEqualByComparingTo("0.000182");
        assertThat(price.high()).isEqualByComparingTo("0.0003");
        assertThat(price.assumed()).isFalse();
        assertThat(price.basis()).contains("plan 'creator' set in config.yaml");
        assertThat(PRICES.creditPrice("elevenlabs").orElseThrow().assumed()).isTrue();
    }

    @Test
    void gemini_tokens_use_the_long_context_prices_above_200k_input_tokens() {
        Tariff pro = tariff("google", "gemini-pro-prompts", Capability.PROMPT_GENERATION);
        assertThat(charge(pro, new Usage.Tokens(1_000_000, 1_000_000), Map.of())).isEqualByComparingTo("17.50");
        assertThat(charge(pro, new Usage.Tokens(100_000, 10_000), Map.of())).isEqualByComparingTo("0.225");
    }

    @Test
    void each_image_of_a_variant_tariff_is_priced_at_the_variant_of_its_own_size() {
        Tariff dalle = tariff("openai", "dall-e-3", Capability.TEXT_TO_IMAGE);
        Usage wide = new Usage.Images(List.of(new Usage.Size(1792, 1024)));
        assertThat(charge(dalle, wide, Map.of("quality", "hd"))).isEqualByComparingTo("0.12");
        assertThat(charge(dalle, wide, Map.of())).as("standard quality by default").isEqualByComparingTo("0.08");
        // A size no variant has: the dearest, never less than the bill.
        Usage odd = new Usage.Images(List.of(new Usage.Size(640, 480)));
        assertThat(charge(dalle, odd, Map.of())).isEqualByComparingTo("0.12");
    }

    @Test
    void replicate_prices_the_reading_its_tariff_knows() {
        Usage both = new Usage.Several(List.of(Usage.Images.count(1), new Usage.HardwareTime(new BigDecimal("12.5"),
                null)));
        assertThat(charge(tariff("replicate", "replicate-flux-schnell", Capability.TEXT_TO_IMAGE), both, Map.of()))
                .isEqualByComparingTo("0.003");
        // Any other model bills the hardware's seconds: the dearest kind when the step does not say which.
        Tariff other = PRICES.lookup("replicate", "someone/model", Capability.TEXT_TO_IMAGE).orElseThrow().tariff();
        assertThat(charge(other, both, Map.of())).isEqualByComparingTo("0.0190625");
        assertThat(charge(other, both, Map.of("hardware", "A100-80GB"))).isEqualByComparingTo("0.0175");
    }

    @Test
    void a_usage_the_tariff_cannot_price_settles_at_the_estimate() {
        Tariff flux = tariff("fal", "flux-dev", Capability.TEXT_TO_IMAGE);
        assertThat(Tariffs.charge(flux, new Usage.Tokens(10, 10), Map.of(), null)).isEmpty();
    }
}
