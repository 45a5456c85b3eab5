package dev.acp.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MediaListsTest {
    @Test
    void should_read_file_lists_in_the_shapes_templates_render() {
        assertThat(MediaLists.files(Params.forExecute(Map.of("v", List.of("/a.png", Map.of("output", "/b.mp4")))), "v"))
                .containsExactly(Path.of("/a.png"), Path.of("/b.mp4"));
        assertThat(MediaLists.files(Params.forExecute(Map.of("v", "[\"/a.png\", \"/b.png\"]")), "v"))
                .containsExactly(Path.of("/a.png"), Path.of("/b.png"));
        assertThat(MediaLists.files(Params.forExecute(Map.of("v", "/a.png\n/b.png\n")), "v"))
                .containsExactly(Path.of("/a.png"), Path.of("/b.png"));
        assertThat(MediaLists.files(Params.forExecute(Map.of("v", "file:///a%20b.png")), "v"))
                .containsExactly(Path.of("/a b.png"));
    }

    @Test
    void should_read_scenes_from_story_to_scenes_json_text() {
        String json = StoryToScenesHandler.toJson(List.of(new dev.acp.local.text.StoryScene("T", "D", "P", "N", 2.5)), 150);

        List<Object> scenes = MediaLists.items(Params.forExecute(Map.of("scenes", json)), "scenes");

        assertThat(scenes).singleElement().satisfies(s -> assertThat(MediaLists.sceneText(s, "narration")).contains("N"));
    }

    @Test
    void should_name_the_index_of_a_bad_item() {
        Params p = Params.forExecute(Map.of("v", List.of("/a.png", 42, "https://example.com/x.png")));

        MediaLists.files(p, "v");

        assertThat(p.issues()).extracting(i -> i.message()).satisfiesExactly(
                m -> assertThat(m).startsWith("v[1] must be a file path"),
                m -> assertThat(m).startsWith("v[2]: the local provider works offline"));
    }
}
