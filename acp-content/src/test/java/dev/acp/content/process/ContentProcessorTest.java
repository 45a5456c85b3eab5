package dev.acp.content.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.acp.content.embed.TextEmbedder;
import dev.acp.env.Environment;
import dev.acp.error.UsageException;
import dev.acp.local.media.Ffmpeg;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ContentProcessor} on text files, with an embedder that records what it was given. */
class ContentProcessorTest {
    @TempDir
    Path dir;

    private final List<String> embedded = new ArrayList<>();

    private final TextEmbedder recording = new TextEmbedder() {
        @Override
        public String modelId() {
            return "recording";
        }

        @Override
        public int dimensions() {
            return 2;
        }

        @Override
        public List<float[]> embed(List<String> texts) {
            embedded.addAll(texts);
            return texts.stream().map(t -> new float[] {1, 0}).toList();
        }

        @Override
        public void close() {}
    };

    private ProcessedContent process(Path file, ProcessOptions options) throws Exception {
        // A .txt file is text without asking ffmpeg, so none needs to be found.
        Ffmpeg ffmpeg = Ffmpeg.locate(Environment.of(Map.of("PATH", "")), dir.resolve("home"));
        try (ContentModels models = new ContentModels(() -> recording, () -> {
            throw new AssertionError("text needs no face model");
        })) {
            return new ContentProcessor(ffmpeg, dir, Clock.systemUTC(), models).process(file, options);
        }
    }

    @Test
    void a_text_file_counts_its_own_words_even_when_other_text_is_embedded_for_it() throws Exception {
        Path notes = Files.writeString(dir.resolve("notes.txt"), "one two three\nfour\n");

        ProcessedContent own = process(notes, ProcessOptions.defaults());
        ProcessedContent given = process(notes, ProcessOptions.defaults().withText("a summary"));

        assertThat(own.kind()).isEqualTo(ContentKind.TEXT);
        assertThat(own.description()).isEqualTo(new Description("one two three\nfour\n", "text"));
        assertThat(given.description()).isEqualTo(new Description("a summary", "option"));
        assertThat(embedded).containsExactly("one two three\nfour\n", "a summary");
        for (ProcessedContent r : List.of(own, given)) {
            assertThat(r.metadata().words()).isEqualTo(4);
            assertThat(r.metadata().lines()).isEqualTo(2);
            assertThat(r.metadata().sizeBytes()).isEqualTo(19);
            assertThat(r.quality()).isNull();
            assertThat(r.faces()).isNull();
            assertThat(r.embedding().model()).isEqualTo("recording");
        }
    }

    @Test
    void an_empty_text_file_is_refused_before_anything_is_embedded() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.md"), "  \n");
        assertThatThrownBy(() -> process(empty, ProcessOptions.defaults().withText("given anyway")))
                .isInstanceOf(UsageException.class).hasMessage(empty + " is empty; give it some text to process");
        assertThat(embedded).isEmpty();
    }
}
