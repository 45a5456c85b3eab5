package dev.acp.local.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PromptExpanderTest {

    @Test
    void should_be_deterministic_for_the_same_input_and_seed() {
        List<String> first = PromptExpander.expand("a lighthouse", "cinematic", 7, 3);
        List<String> second = PromptExpander.expand("a lighthouse", "cinematic", 7, 3);

        assertThat(second).isEqualTo(first);
        assertThat(PromptExpander.expand("a lighthouse", "cinematic", 8, 1)).isNotEqualTo(first.subList(0, 1));
    }

    @Test
    void should_keep_the_prompt_first_and_add_descriptors() {
        String expanded = PromptExpander.expand("a lighthouse.", "", 1, 1).getFirst();

        assertThat(expanded).startsWith("a lighthouse ");
        assertThat(expanded.split(", ").length).isGreaterThanOrEqualTo(6);
        assertThat(expanded.length()).isGreaterThan("a lighthouse".length() * 4);
    }

    @Test
    void should_use_the_style_vocabulary() {
        String watercolour = PromptExpander.expand("a fox", "watercolor", 3, 1).getFirst();
        String custom = PromptExpander.expand("a fox", "art deco", 3, 1).getFirst();

        assertThat(watercolour).containsIgnoringCase("watercolour");
        assertThat(custom).contains("in a art deco style");
    }

    @Test
    void should_not_add_lighting_or_setting_that_the_prompt_already_has() {
        String expanded = PromptExpander.expand("a castle at sunset on a hill", "", 5, 1).getFirst();

        assertThat(expanded).doesNotContain("golden hour", "soft diffused light", "blue hour", "in a vast open landscape",
                "in a quiet misty valley", "on a windswept coastline");
    }

    @Test
    void should_make_distinct_variants() {
        List<String> variants = PromptExpander.expand("a robot", "anime", 11, 5);

        assertThat(variants).hasSize(5).doesNotHaveDuplicates();
    }
}
