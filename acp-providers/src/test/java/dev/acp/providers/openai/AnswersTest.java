package dev.acp.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

final class AnswersTest {

    @Test
    void should_strip_fences_and_whole_quotations_but_not_inner_quotes() {
        assertThat(Answers.clean("  \"a foggy pier\"\n")).isEqualTo("a foggy pier");
        assertThat(Answers.clean("\u201ca foggy pier\u201d")).isEqualTo("a foggy pier");
        assertThat(Answers.clean("```text\na foggy pier\n```")).isEqualTo("a foggy pier");
        assertThat(Answers.clean("\"a\" pier and \"b\"")).isEqualTo("\"a\" pier and \"b\"");
        assertThat(Answers.clean("a sign reading \"OPEN\"")).isEqualTo("a sign reading \"OPEN\"");
    }

    @Test
    void should_read_variants_from_an_object_or_a_bare_list() {
        assertThat(PromptGeneration.variants("{\"prompts\":[\"a\",\" b \",\"a\",\"\"]}")).isEqualTo(List.of("a", "b"));
        assertThat(PromptGeneration.variants("```json\n[\"x\", \"y\"]\n```")).isEqualTo(List.of("x", "y"));
        assertThat(PromptGeneration.variants("{\"variants\":[\"x\"]}")).isEmpty();
        assertThat(PromptGeneration.variants("1. x")).isEmpty();
    }
}
