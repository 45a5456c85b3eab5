package dev.acp.providers.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

final class SceneSchemaTest {
    private static final String ONE = "{\"title\":\"T\",\"description\":\"D\",\"image_prompt\":\"P\","
            + "\"narration\":\"N\",\"duration\":4}";

    @Test
    void should_give_a_strict_mode_schema_listing_every_property_as_required() {
        ObjectNode schema = SceneSchema.jsonSchema();
        JsonNode scene = schema.at("/properties/scenes/items");
        List<String> properties = new ArrayList<>();
        scene.get("properties").fieldNames().forEachRemaining(properties::add);
        List<String> required = new ArrayList<>();
        scene.get("required").forEach(n -> required.add(n.asText()));
        assertThat(required).containsExactlyInAnyOrderElementsOf(properties)
                .containsExactlyInAnyOrder("title", "description", "image_prompt", "narration", "duration");
        assertThat(scene.get("additionalProperties").asBoolean()).isFalse();
        assertThat(schema.get("additionalProperties").asBoolean()).isFalse();
        assertThat(schema.at("/required/0").asText()).isEqualTo("scenes");
        assertThat(SceneSchema.jsonSchema()).as("a fresh tree each time").isNotSameAs(schema).isEqualTo(schema);
    }

    @Test
    void should_read_fenced_prose_wrapped_and_bare_list_answers() {
        assertThat(SceneSchema.parse("{\"scenes\":[" + ONE + "]}")).isInstanceOf(SceneSchema.Valid.class);
        assertThat(SceneSchema.parse("```json\n{\"scenes\":[" + ONE + "]}\n```")).isInstanceOf(SceneSchema.Valid.class);
        assertThat(SceneSchema.parse("Here you go:\n{\"scenes\":[" + ONE + "]}\nEnjoy!"))
                .isInstanceOf(SceneSchema.Valid.class);
        assertThat(SceneSchema.parse("[" + ONE + "]")).isInstanceOfSatisfying(SceneSchema.Valid.class,
                v -> assertThat(v.scenes()).containsExactly(new SceneSchema.Scene("T", "D", "P", "N", 4)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "no json at all | true | the answer is not JSON",
        "{\"story\":[]} | false | no \"scenes\" list",
        "{\"scenes\":[]} | false | has no scenes",
        "{\"scenes\":[1]} | false | scene 1: is not an object",
        "{\"scenes\":[{\"description\":\"D\",\"image_prompt\":\"P\",\"narration\":\"N\",\"duration\":4}]} | false"
                + " | scene 1: title is missing",
        "{\"scenes\":[{\"title\":\" \",\"description\":\"D\",\"image_prompt\":\"P\",\"narration\":\"N\",\"duration\":4}]}"
                + " | false | scene 1: title must be non-empty text",
        "{\"scenes\":[{\"title\":\"T\",\"description\":\"D\",\"image_prompt\":\"P\",\"narration\":\"N\","
                + "\"duration\":\"long\"}]} | false | scene 1: duration must be a number",
        "{\"scenes\":[{\"title\":\"T\",\"description\":\"D\",\"image_prompt\":\"P\",\"narration\":\"N\","
                + "\"duration\":0}]} | false | scene 1: duration must be between 0 and 600",
        "{\"scenes\":[{\"title\":\"T\"}, {\"narration\":\"N\"}]} | false"
                + " | scene 1: description is missing (and 1 more unusable scenes)",
        "{\"scenes\":[{\"title\":\"The Ke | true | the answer is not JSON",
        "{\"scenes\":[{\"title\":\"T\",\"description\":\"D\",\"image_prompt\":\"P\",\"narration\":\"N\","
                + "\"duration\":\"6 minutes\"}]} | false | scene 1: duration must be a number",
    })
    void should_name_the_first_problem(String answer, boolean notJson, String reason) {
        assertThat(SceneSchema.parse(answer)).isInstanceOfSatisfying(SceneSchema.Invalid.class, i -> {
            assertThat(i.notJson()).isEqualTo(notJson);
            assertThat(i.reason()).contains(reason);
        });
    }

    @Test
    void should_write_the_canonical_shape_that_it_reads_back() {
        List<SceneSchema.Scene> scenes = List.of(new SceneSchema.Scene("T", "D", "P", "N", 4),
                new SceneSchema.Scene("T2", "D2", "P2", "N2", 2.5));
        String json = SceneSchema.toJson(scenes);
        assertThat(json).contains("\"duration\" : 4\n").contains("\"duration\" : 2.5");
        assertThat(SceneSchema.parse(json)).isEqualTo(new SceneSchema.Valid(scenes));
    }

    // ---- local repair ------------------------------------------------------------------------

    @Test
    void should_remove_trailing_commas_outside_strings_and_say_so() {
        String answer = "{\"scenes\":[{\"title\":\"T,]\",\"description\":\"D\",\"image_prompt\":\"P\","
                + "\"narration\":\"N\",\"duration\":4,},]}";
        assertThat(SceneSchema.parse(answer)).isInstanceOfSatisfying(SceneSchema.Valid.class, v -> {
            assertThat(v.scenes()).containsExactly(new SceneSchema.Scene("T,]", "D", "P", "N", 4));
            assertThat(v.notes()).containsExactly("removed trailing commas from the answer");
        });
    }

    @Test
    void should_keep_the_complete_scenes_of_an_answer_cut_off_mid_json_and_never_the_half_scene() {
        String answer = "```json\n{\"scenes\":[" + ONE + ",\n" + ONE.replace("\"T\"", "\"T2\"")
                + ", {\"title\":\"Half\",\"description\":\"The storm bre";
        assertThat(SceneSchema.parse(answer)).isInstanceOfSatisfying(SceneSchema.Valid.class, v -> {
            assertThat(v.scenes()).extracting(SceneSchema.Scene::title).containsExactly("T", "T2");
            assertThat(v.dropped()).isEmpty();
            assertThat(v.notes()).singleElement().asString().contains("cut off mid-JSON");
        });
        // cut inside the second scene's narration, with an escaped quote before the cut
        String inString = "{\"scenes\":[" + ONE + ",{\"title\":\"T2\",\"narration\":\"She said \\\"go";
        assertThat(SceneSchema.parse(inString)).isInstanceOfSatisfying(SceneSchema.Valid.class,
                v -> assertThat(v.scenes()).extracting(SceneSchema.Scene::title).containsExactly("T"));
    }

    @Test
    void should_find_the_scenes_under_another_top_level_key() {
        assertThat(SceneSchema.parse("{\"title\":\"x\",\"storyboard\":[" + ONE + "]}"))
                .isInstanceOfSatisfying(SceneSchema.Valid.class, v -> {
                    assertThat(v.scenes()).hasSize(1);
                    assertThat(v.notes()).containsExactly("read the scenes from \"storyboard\" instead of \"scenes\"");
                });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"\"6\" | 6", "\"6s\" | 6", "\"6.5 s\" | 6.5", "\"7 seconds\" | 7",
        "\"3 Sec\" | 3", "6 | 6"})
    void should_read_durations_written_as_text(String written, double seconds) {
        String answer = "[" + ONE.replace("\"duration\":4", "\"duration\":" + written) + "]";
        assertThat(SceneSchema.parse(answer)).isInstanceOfSatisfying(SceneSchema.Valid.class,
                v -> assertThat(v.scenes().getFirst().duration()).isEqualTo(seconds));
    }

    @Test
    void should_estimate_a_missing_duration_from_the_narration_at_150_words_a_minute_with_a_note() {
        String words = String.join(" ", java.util.Collections.nCopies(25, "word"));
        String answer = "[{\"title\":\"T\",\"description\":\"D\",\"image_prompt\":\"P\",\"narration\":\""
                + words + "\"},{\"title\":\"T\",\"description\":\"D\",\"image_prompt\":\"P\",\"narration\":\"Hi.\","
                + "\"duration\":null}]";
        assertThat(SceneSchema.parse(answer)).isInstanceOfSatisfying(SceneSchema.Valid.class, v -> {
            assertThat(v.scenes()).extracting(SceneSchema.Scene::duration).containsExactly(10.0, 2.0);
            assertThat(v.notes()).containsExactly(
                    "scene 1: duration missing, estimated 10.0 s from the narration at 150 words per minute",
                    "scene 2: duration missing, estimated 2.0 s from the narration at 150 words per minute");
        });
        assertThat(SceneSchema.estimateSeconds("one two three four five six")).isEqualTo(2.4);
        assertThat(SceneSchema.estimateSeconds(String.join(" ", java.util.Collections.nCopies(5000, "w"))))
                .isEqualTo(SceneSchema.MAX_DURATION_SECONDS);
    }

    // ---- partial answers ---------------------------------------------------------------------

    @Test
    void should_drop_unusable_scenes_keep_the_rest_and_say_which_and_why() {
        String answer = "{\"scenes\":[" + ONE + ", {\"title\":\"T\",\"description\":\"D\",\"narration\":\"N\","
                + "\"duration\":3}, " + ONE.replace("\"N\"", "\"  \"") + ", " + ONE.replace("\"T\"", "\"Last\"") + "]}";
        assertThat(SceneSchema.parse(answer)).isInstanceOfSatisfying(SceneSchema.Valid.class, v -> {
            assertThat(v.scenes()).extracting(SceneSchema.Scene::title).containsExactly("T", "Last");
            assertThat(v.dropped()).containsExactly("scene 2: image_prompt is missing",
                    "scene 3: narration must be non-empty text");
            Map<String, Object> m = SceneSchema.metadata(v, OptionalInt.of(4));
            assertThat(m).containsEntry("scenes", 2).containsEntry("dropped_scenes", 2)
                    .containsEntry("total_duration_seconds", 8.0)
                    .containsEntry("note", "asked for 4 scenes, the model wrote 2; dropped 2 unusable scenes"
                            + " (scene 2: image_prompt is missing; scene 3: narration must be non-empty text)");
        });
    }

    @Test
    void should_keep_more_scenes_than_asked_and_note_it() {
        SceneSchema.Valid v = new SceneSchema.Valid(List.of(new SceneSchema.Scene("T", "D", "P", "N", 4),
                new SceneSchema.Scene("T2", "D2", "P2", "N2", 2)));
        assertThat(SceneSchema.metadata(v, OptionalInt.of(1))).containsEntry("scenes", 2)
                .containsEntry("note", "asked for 1 scenes, the model wrote 2").doesNotContainKey("dropped_scenes");
        assertThat(SceneSchema.metadata(v, OptionalInt.empty())).doesNotContainKey("note");
    }
}
