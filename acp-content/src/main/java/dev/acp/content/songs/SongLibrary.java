package dev.acp.content.songs;

import dev.acp.content.items.EmbeddedText;
import dev.acp.content.items.Item;
import dev.acp.content.items.ItemFile;
import dev.acp.content.items.ItemProblem;
import dev.acp.content.items.ItemSet;
import dev.acp.error.AcpException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A song library as items: a CSV or JSON Lines file of songs (an {@code id}, and title, artist,
 * album, genre, tags, lyrics or description, whichever it has) whose text fields are embedded,
 * and whose optional audio file ({@code audio} or {@code path}, relative to the library file) is
 * analysed into features stored as metadata, so that searches can filter on them. Tags written
 * in one cell ({@code jazz; mellow}) become a list, so {@code tags=jazz} matches.
 */
public final class SongLibrary {
    /** The column naming a song's audio file, besides the items' generic {@code path}. */
    public static final String AUDIO = "audio";

    /** Measures an audio file into metadata fields. */
    @FunctionalInterface
    public interface AudioMetadata {
        /**
         * The features of {@code file} as metadata.
         *
         * @throws AcpException naming the file when it cannot be analysed
         */
        Map<String, Object> of(Path file) throws InterruptedException;
    }

    /** Told after each song's audio is analysed. */
    @FunctionalInterface
    public interface Progress {
        void analysed(long done, long total);
    }

    private SongLibrary() {}

    /**
     * Reads the songs of {@code file} (named {@code label} in messages) and analyses their audio.
     * Every problem, those of the audio files included, is collected before anything is indexed.
     */
    public static ItemSet read(Path file, String label, AudioMetadata audio, Progress progress)
            throws IOException, InterruptedException {
        ItemSet raw = ItemFile.read(file, label, EmbeddedText.allTextFields());
        List<ItemProblem> problems = new ArrayList<>(raw.problems());
        List<Item> songs = new ArrayList<>();
        Path folder = file.toAbsolutePath().getParent();
        long withAudio = raw.items().stream().filter(s -> audioField(s) != null).count();
        long analysed = 0;
        for (Item song : raw.items()) {
            Item s = normalised(song);
            String audioFile = s.path();
            if (audioFile != null) {
                Path resolved = folder.resolve(audioFile).normalize();
                if (!Files.isRegularFile(resolved)) {
                    problems.add(new ItemProblem(label, song.line(), "the audio file " + audioFile + " of song '"
                            + song.id() + "' does not exist", "give a path relative to " + label + ", or leave the"
                            + " field empty"));
                    continue;
                }
                try {
                    s = s.withFields(audio.of(resolved));
                } catch (AcpException e) {
                    problems.add(new ItemProblem(label, song.line(), "the audio of song '" + song.id() + "' could"
                            + " not be analysed: " + e.getMessage(), "give a readable audio file, or leave the field"
                            + " empty"));
                    continue;
                }
                progress.analysed(++analysed, withAudio);
            }
            songs.add(s);
        }
        return new ItemSet(songs, problems);
    }

    private static @org.jspecify.annotations.Nullable String audioField(Item song) {
        Object a = song.fields().getOrDefault(AUDIO, song.fields().get(Item.PATH));
        return a == null ? null : String.valueOf(a);
    }

    /** {@code audio} as the item's {@code path}, and a tags cell as a list of tags. */
    private static Item normalised(Item song) {
        Map<String, Object> fields = new LinkedHashMap<>(song.fields());
        Object audio = fields.remove(AUDIO);
        if (audio != null && !fields.containsKey(Item.PATH)) {
            fields.put(Item.PATH, audio);
        }
        if (fields.get("tags") instanceof String tags) {
            fields.put("tags", Arrays.stream(tags.split("[;,|]")).map(String::strip).filter(t -> !t.isEmpty())
                    .toList());
        }
        return new Item(song.id(), song.line(), fields);
    }
}
