package dev.acp.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestionsTest {
    private static final List<String> KEYS = List.of("prompt", "negative_prompt", "image_size", "output_directory");

    @Test
    void should_suggest_typos_transpositions_and_shortened_names() {
        assertThat(Suggestions.nearest("promt", KEYS)).contains("prompt");
        assertThat(Suggestions.nearest("porMpt", KEYS)).contains("prompt");
        assertThat(Suggestions.nearest("output_dir", KEYS)).contains("output_directory");
        assertThat(Suggestions.nearest("imagesize", KEYS)).contains("image_size");
    }

    @Test
    void should_not_suggest_unrelated_names() {
        assertThat(Suggestions.nearest("camera_control", KEYS)).isEmpty();
        assertThat(Suggestions.nearest("x", KEYS)).isEmpty();
        assertThat(Suggestions.nearest("anything", List.of())).isEmpty();
    }
}
