package dev.acp.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.acp.error.UsageException;
import dev.acp.pipeline.Capability;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ACP_HOME/prices/: written atomically in the pricing format, merged between the built-in and the user's prices. */
class PublishedPricesTest {
    private static final LocalDate DAY = LocalDate.of(2026, 11, 30);

    @TempDir
    Path home;

    private static PriceEntry tokens(String model, String in, String out) {
        return PriceEntry.perToken("openrouter", model, new BigDecimal(in), new BigDecimal(out), null,
                "OpenRouter GET /models", DAY.toString());
    }

    private Path writePublished(PriceEntry... entries) throws IOException {
        return new PricesFolder(home).write(new PublishedPrices.PriceList("openrouter", DAY, List.of(entries),
                List.of()));
    }

    private static PriceEntry chat(PricingCatalog c, String model) {
        return c.lookup("openrouter", model, Capability.PROMPT_GENERATION).orElseThrow();
    }

    @Test
    void the_written_file_is_a_pricing_file_that_reads_back_exactly() throws IOException {
        Path file = writePublished(tokens("openai/gpt-4o-mini", "0.15", "0.6"),
                tokens("meta-llama/llama-3.1-8b-instruct:free", "0", "0"),
                tokens("vendor/tiny", "0.0000123456789", "123456.5"));

        assertThat(file).isEqualTo(home.resolve("prices").resolve("openrouter.yaml"));
        String text = Files.readString(file);
        assertThat(text).contains("version: 1\nproviders:\n  openrouter:\n    models:\n")
                .contains("\"openai/gpt-4o-mini\": { unit: tokens, input_price: 0.15, output_price: 0.6,"
                        + " source: \"OpenRouter GET /models\", as_of: \"2026-11-30\" }")
                .contains("0.0000123456789").doesNotContain("E-");
        try (var s = Files.list(file.getParent())) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("openrouter.yaml");
        }

        PricingCatalog c = PricingCatalog.load(home, null);
        assertThat(chat(c, "openai/gpt-4o-mini").inputPrice()).isEqualByComparingTo("0.15");
        assertThat(chat(c, "openai/gpt-4o-mini").outputPrice()).isEqualByComparingTo("0.6");
        assertThat(chat(c, "openai/gpt-4o-mini").asOf()).isEqualTo("2026-11-30");
        assertThat(chat(c, "meta-llama/llama-3.1-8b-instruct:free").known()).isTrue();
        assertThat(chat(c, "vendor/tiny").inputPrice()).isEqualByComparingTo("0.0000123456789");
        assertThat(chat(c, "vendor/tiny").outputPrice()).isEqualByComparingTo("123456.5");
    }

    @Test
    void published_prices_merge_over_the_built_in_ones_and_under_the_users() throws IOException {
        writePublished(tokens("openai/gpt-4o-mini", "0.15", "0.6"), tokens("anthropic/claude-x", "3", "15"),
                tokens("google/gemma", "1", "1"));
        Files.writeString(home.resolve("pricing.yaml"), """
                providers:
                  openrouter:
                    models:
                      anthropic/claude-x: { unit: tokens, input_price: 4, output_price: 20, source: "my invoice", as_of: "2026-11-01" }
                      google/gemma: { unit: tokens, input_price: 5, output_price: 5, source: "home", as_of: "2026-11-01" }
                """);
        Path explicit = Files.writeString(home.resolve("explicit.yaml"), """
                providers:
                  openrouter:
                    models:
                      google/gemma: { unit: tokens, input_price: 2, output_price: 2, source: "--pricing", as_of: "2026-11-02" }
                """);

        PricingCatalog c = PricingCatalog.load(home, explicit);

        assertThat(chat(c, "openai/gpt-4o-mini").source()).isEqualTo("OpenRouter GET /models");
        assertThat(chat(c, "anthropic/claude-x").inputPrice()).isEqualByComparingTo("4");
        assertThat(chat(c, "google/gemma").source()).isEqualTo("--pricing");
        // Built-in entries the list does not name stay: the provider's "*" is still unknown.
        assertThat(chat(c, "someone/else").model()).isEqualTo("*");
        assertThat(chat(c, "someone/else").known()).isFalse();
        assertThat(c.billsFailures("openrouter")).isFalse();
        assertThat(c.lookup("fal", "flux-dev", Capability.TEXT_TO_IMAGE).orElseThrow().price())
                .isEqualByComparingTo("0.025");
        // Without the prices folder a model only the list priced is unknown again, and a built-in
        // price is the built-in one.
        PricingCatalog builtIn = PricingCatalog.load(home.resolve("elsewhere"), null);
        assertThat(chat(builtIn, "anthropic/claude-x").known()).isFalse();
        assertThat(chat(builtIn, "openai/gpt-4o-mini").source()).startsWith("OpenRouter GET /models (copy of");
    }

    @Test
    void catalog_names_are_priced_as_the_model_id_they_stand_for() throws IOException {
        writePublished(tokens("openai/gpt-4o-mini", "0.15", "0.6"));
        PricingCatalog c = PricingCatalog.load(home, null);

        assertThat(chat(c, "openrouter-chat").inputPrice()).isEqualByComparingTo("0.15");
        assertThat(c.lookup("openrouter", "openrouter-vision", Capability.IMAGE_UNDERSTANDING).orElseThrow()
                .outputPrice()).isEqualByComparingTo("0.6");
        // A step that names no model gets the capability's default (openrouter-scenes), priced the same way.
        assertThat(c.lookup("openrouter", null, Capability.STORY_TO_SCENES).orElseThrow().known()).isTrue();
        // A name of another provider is not taken for this one's.
        assertThat(chat(c, "flux-dev").model()).isEqualTo("*");
    }

    @Test
    void a_price_set_for_the_catalog_name_wins_over_the_one_of_its_id() throws IOException {
        writePublished(tokens("openai/gpt-4o-mini", "0.15", "0.6"));
        Files.writeString(home.resolve("pricing.yaml"), """
                providers:
                  openrouter:
                    models:
                      openrouter-chat: { unit: tokens, input_price: 9, output_price: 9, source: "mine", as_of: "2026-11-01" }
                """);
        assertThat(chat(PricingCatalog.load(home, null), "openrouter-chat").source()).isEqualTo("mine");
    }

    @Test
    void a_broken_prices_file_names_itself_and_the_way_out() throws IOException {
        Path prices = Files.createDirectories(home.resolve("prices"));
        Files.writeString(prices.resolve("openrouter.yaml"), """
                version: 1
                providers:
                  openrouter:
                    models:
                      "openai/gpt-4o-mini": { unit: tokens, input_price: cheap, output_price: 0.6, source: s, as_of: x }
                """);
        assertThatThrownBy(() -> PricingCatalog.load(home, null)).isInstanceOf(UsageException.class)
                .hasMessageStartingWith(prices.resolve("openrouter.yaml") + ":5:")
                .hasMessageContaining("input_price must be a number")
                .hasMessageContaining("written by 'acp models --refresh-prices': run it again, or delete "
                        + prices.resolve("openrouter.yaml"));

        Files.writeString(prices.resolve("openrouter.yaml"), "providers: [\n");
        assertThatThrownBy(() -> PricingCatalog.load(home, null)).isInstanceOf(UsageException.class)
                .hasMessageContaining("openrouter.yaml:").hasMessageContaining("cannot parse YAML")
                .hasMessageContaining("acp models --refresh-prices");
    }

    @Test
    void leftovers_of_an_interrupted_write_and_other_files_are_not_read() throws IOException {
        Path prices = Files.createDirectories(home.resolve("prices"));
        Files.writeString(prices.resolve(".openrouter.123.tmp"), "half a fi");
        Files.writeString(prices.resolve(".openrouter.yaml"), "half a fi");
        Files.writeString(prices.resolve("notes.txt"), "not prices");
        assertThat(new PricesFolder(home).files()).isEmpty();
        assertThat(chat(PricingCatalog.load(home, null), "anthropic/claude-x").known()).isFalse();
    }

    @Test
    void a_provider_id_never_becomes_a_path_outside_the_folder() {
        assertThatThrownBy(() -> new PricesFolder(home).file("../pricing")).isInstanceOf(IllegalArgumentException.class);
    }
}
