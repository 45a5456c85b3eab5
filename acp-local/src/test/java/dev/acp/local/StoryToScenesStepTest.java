package dev.acp.local;

import static dev.acp.local.testing.Steps.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.local.testing.RecordingContext;
import dev.acp.local.testing.Steps;
import dev.acp.pipeline.Capability;
import dev.acp.provider.Provider.Issue;
import dev.acp.provider.ProviderResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** story_to_scenes through the provider: the canonical JSON, validation and limits. */
class StoryToScenesStepTest {
    private static final String STORY = "A fox crept through the snowy forest at dusk. It was hungry and cold.\n\n"
            + "Near an old oak it found a buried apple. The fox ate it slowly under the rising moon.";

    @TempDir
    Path dir;

    @Test
    void should_answer_with_the_canonical_scene_json() throws Exception {
        ProviderResult result = run(Map.of("story", STORY, "num_scenes", 2, "style", "watercolor"));

        JsonNode root = new ObjectMapper().readTree(result.text());
        assertThat(root.fieldNames()).toIterable().containsExactly("duration_source", "words_per_minute", "scenes");
        assertThat(root.get("duration_source").asText()).isEqualTo("estimate");
        assertThat(root.get("words_per_minute").asInt()).isEqualTo(150);
        assertThat(root.get("scenes")).hasSize(2);
        JsonNode first = root.get("scenes").get(0);
        assertThat(first.fieldNames()).toIterable().containsExactly("title", "description", "image_prompt", "narration", "duration");
        assertThat(first.get("narration").asText()).isEqualTo("A fox crept through the snowy forest at dusk. It was hungry and cold.");
        assertThat(first.get("duration").isNumber()).isTrue();
        assertThat(first.get("duration").asDouble()).isEqualTo(5.6); // 14 words at 150 per minute
        assertThat(first.get("image_prompt").asText()).contains("fox", "snowy forest", "watercolour painting");
        assertThat(result.metadata()).containsEntry("scene_count", 2).containsEntry("language", "en")
                .containsEntry("style_known", true).containsEntry("preview", true);
        assertThat((List<?>) result.metadata().get("scenes")).hasSize(2);
    }

    @Test
    void should_accept_text_as_an_alias_and_json_output() {
        assertThat(Steps.provider().check(Capability.STORY_TO_SCENES, null, Map.of("text", STORY), "json")).isEmpty();
        assertThat(Steps.provider().check(Capability.STORY_TO_SCENES, null, Map.of("story", "{{inputs.story}}",
                "num_scenes", "{{inputs.scenes}}", "style", "{{inputs.style}}"), "txt")).isEmpty();
    }

    @Test
    void should_report_bad_parameters_at_validation() {
        List<Issue> issues = Steps.provider().check(Capability.STORY_TO_SCENES, null,
                Map.of("story", "x", "num_scenes", 80, "words_per_minute", 0, "language", "not a tag!"), "txt");

        assertThat(issues).extracting(Issue::parameter).containsExactlyInAnyOrder("num_scenes", "words_per_minute", "language");
        assertThat(Steps.provider().check(Capability.STORY_TO_SCENES, null, Map.of(), "txt"))
                .extracting(Issue::parameter).containsExactly("story");
        assertThat(Steps.provider().parameters(Capability.STORY_TO_SCENES))
                .contains("story", "text", "num_scenes", "style", "words_per_minute");
    }

    @Test
    void should_refuse_blank_and_huge_stories_with_one_line() {
        assertThatThrownBy(() -> run(Map.of("story", "   ")))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.VALIDATION))
                .hasMessageContaining("story");
        String huge = "word ".repeat(200_000);
        assertThatThrownBy(() -> run(Map.of("story", huge)))
                .isInstanceOf(ProviderException.class).hasMessageContaining("100000 words").hasMessageNotContaining("\n");
        assertThat(Steps.provider().check(Capability.STORY_TO_SCENES, null, Map.of("story", huge), "txt"))
                .extracting(Issue::parameter).containsExactly("story");
    }

    private ProviderResult run(Map<String, Object> params) throws Exception {
        return Steps.provider().execute(request(Capability.STORY_TO_SCENES, null, params, dir.resolve("scenes.json"),
                new RecordingContext(dir.resolve("scratch"))));
    }
}
