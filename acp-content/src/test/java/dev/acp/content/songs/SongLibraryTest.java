package dev.acp.content.songs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.content.items.EmbeddedText;
import dev.acp.content.items.Item;
import dev.acp.content.items.ItemProblem;
import dev.acp.content.items.ItemSet;
import dev.acp.error.UsageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SongLibraryTest {
    @TempDir
    Path tmp;

    @Test
    void audio_features_become_metadata_and_tags_a_list() throws IOException, InterruptedException {
        Files.createDirectories(tmp.resolve("audio"));
        Files.writeString(tmp.resolve("audio/rain.wav"), "not really audio");
        Files.writeString(tmp.resolve("audio/broken.wav"), "broken");
        Path songs = Files.writeString(tmp.resolve("songs.csv"), """
                id,title,artist,genre,tags,lyrics,audio
                s1,Rainy Day,The Drops,jazz,"mellow; piano",rain on the window,audio/rain.wav
                s2,Sunny,The Beams,pop,upbeat,,
                s3,Lost,Nobody,rock,,,audio/missing.wav
                s4,Broken,Nobody,rock,,,audio/broken.wav
                """);
        List<Path> analysed = new ArrayList<>();
        ItemSet set = SongLibrary.read(songs, "songs.csv", file -> {
            if (file.getFileName().toString().equals("broken.wav")) {
                throw new UsageException(file.getFileName() + " has no audio stream");
            }
            analysed.add(file);
            return Map.of("tempo_bpm", 120.0, "loudness_lufs", -14.2);
        }, (done, total) -> { });
        assertThat(analysed).containsExactly(tmp.resolve("audio/rain.wav"));
        assertThat(set.problems()).extracting(ItemProblem::render).containsExactly(
                "songs.csv:4: the audio file audio/missing.wav of song 's3' does not exist; give a path relative to"
                        + " songs.csv, or leave the field empty",
                "songs.csv:5: the audio of song 's4' could not be analysed: broken.wav has no audio stream; give a"
                        + " readable audio file, or leave the field empty");
        Item rain = set.items().get(0);
        assertThat(rain.fields()).containsEntry("tempo_bpm", 120.0).containsEntry("tags", List.of("mellow", "piano"))
                .containsEntry("path", "audio/rain.wav").doesNotContainKey("audio");
        // The audio file's name and the features are metadata, not embedded text.
        assertThat(EmbeddedText.allTextFields().of(rain)).contains("title: Rainy Day\nartist: The Drops\ngenre: jazz\n"
                + "tags: mellow, piano\nlyrics: rain on the window");
        assertThat(set.items()).extracting(Item::id).containsExactly("s1", "s2");
    }
}
