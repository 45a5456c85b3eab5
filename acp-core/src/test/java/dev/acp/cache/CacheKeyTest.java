package dev.acp.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.pipeline.Capability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CacheKeyTest {
    @TempDir
    Path dir;

    private CacheKey key(Map<String, Object> params) throws IOException {
        return CacheKey.of(Capability.ASSEMBLE_VIDEO, "local", "1", null, params, Set.of(), "mp4", new FileHashes());
    }

    @Test
    void files_named_inside_lists_and_maps_are_keyed_by_content() throws IOException {
        Path clip = dir.resolve("clip1.mp4");
        Path audio = dir.resolve("voice.wav");
        Files.writeString(clip, "first cut");
        Files.writeString(audio, "hello");
        Map<String, Object> params = Map.of("clips", List.of(clip.toString()), "audio", Map.of("track", audio.toString()),
                "title", "not a file");
        CacheKey before = key(params);

        Files.writeString(clip, "second cut");
        CacheKey after = key(params);
        assertThat(after.hash()).isNotEqualTo(before.hash());
        assertThat(after.explainChange(before.parts())).isEqualTo("input clips[0] has new content");

        Files.writeString(audio, "hello again");
        assertThat(key(params).explainChange(after.parts())).isEqualTo("input audio.track has new content");
        assertThat(key(params).hash()).isEqualTo(key(params).hash());
    }

    @Test
    void prompts_urls_and_numbers_are_keyed_by_value_and_equal_numbers_are_one_value() throws IOException {
        CacheKey a = key(Map.of("clips", List.of("https://example.com/a.mp4"), "prompt", "a cat\non a mat", "fps", 6));
        CacheKey b = key(Map.of("clips", List.of("https://example.com/a.mp4"), "prompt", "a cat\non a mat", "fps", 6.0));
        assertThat(a.hash()).isEqualTo(b.hash());
        assertThat(a.parts()).noneSatisfy((name, value) -> assertThat(name).startsWith("input."));
    }

    @Test
    void a_folder_such_as_an_index_is_keyed_by_what_it_holds() throws IOException {
        Path index = Files.createDirectories(dir.resolve("songs-index"));
        Files.writeString(index.resolve("segments_1"), "first build");
        Map<String, Object> params = Map.of("index", index.toString(), "query", "jazz");
        CacheKey before = key(params);
        assertThat(key(params).hash()).isEqualTo(before.hash());

        Files.writeString(index.resolve("_0.vec"), "items added");
        CacheKey after = key(params);
        assertThat(after.hash()).isNotEqualTo(before.hash());
        assertThat(after.parts()).containsKey("folder.index");
    }
}
