package dev.acp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code acp content songs index} on the example library, then searches over it. */
class ContentSongsCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path LIBRARY = Path.of("").toAbsolutePath().getParent().resolve(
            "examples/content/songs.csv");

    @TempDir
    Path tmp;

    @Test
    void indexes_the_example_library_with_audio_features_and_searches_it() throws IOException {
        CliRunner cli = new CliRunner(tmp).env("ACP_FFMPEG", JarRunner.ffmpeg().toString());
        CliRunner.Result built = cli.run("content", "songs", "index", "--index", "songs-idx", "--input",
                LIBRARY.toString(), "--format", "json");
        assertThat(built.exitCode()).as(built.err()).isZero();
        JsonNode b = JSON.readTree(built.out());
        assertThat(b.get("songs").asInt()).isEqualTo(30);
        assertThat(b.get("with_audio").asInt()).isEqualTo(4);

        CliRunner.Result rainy = cli.run("content", "search", "--index", "songs-idx", "calm piano for a rainy"
                + " afternoon", "--k", "3", "--format", "json");
        JsonNode hits = JSON.readTree(rainy.out()).get("hits");
        assertThat(hits.get(0).get("id").asText()).isEqualTo("s02");
        // The audio's features are metadata; tags are a list that filters match by element.
        assertThat(hits.get(0).get("metadata").has("loudness_lufs")).isTrue();
        assertThat(hits.get(0).get("metadata").get("tags").isArray()).isTrue();

        CliRunner.Result club = cli.run("content", "search", "--index", "songs-idx", "music to dance to", "--filter",
                "tags=club", "--format", "json");
        JsonNode clubHits = JSON.readTree(club.out()).get("hits");
        assertThat(clubHits).isNotEmpty().allSatisfy(h -> assertThat(h.get("metadata").get("tags").toString())
                .contains("\"club\""));
        JsonNode neon = JSON.readTree(cli.run("content", "similar", "--index", "songs-idx", "--id", "s02", "--k", "29",
                "--format", "json").out()).get("hits");
        assertThat(neon).hasSize(29);
    }

    @Test
    void a_missing_audio_file_is_a_row_error_and_nothing_is_built() throws IOException {
        Path songs = Files.writeString(tmp.resolve("songs.csv"), "id,title,audio\na,Song,missing.opus\n");
        CliRunner.Result r = new CliRunner(tmp).env("ACP_FFMPEG", JarRunner.ffmpeg().toString()).run("content",
                "songs", "index", "--index", "idx", "--input", songs.getFileName().toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("songs.csv:2: the audio file missing.opus of song 'a' does not exist; give a"
                + " path relative to songs.csv, or leave the field empty\n1 error in songs.csv; nothing was indexed.\n");
        assertThat(tmp.resolve("idx")).doesNotExist();
    }
}
