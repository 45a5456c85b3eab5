package dev.acp.providers.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
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
        "{\"scenes\":[{\"title\":\"T\",\"description\":\"D\",\"image_prompt\":\"P\",\"narration\":\"N\","
                + "\"duration\":4}, {\"title\":\"T\"}]} | false | scene 2: description is missing",
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
}
