package dev.acp.content.items;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.acp.content.index.MetadataFilter;
import dev.acp.content.index.SearchHit;
import dev.acp.content.index.VectorIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ItemIndexerTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-07T19:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path tmp;

    private static List<Item> items(int n) {
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            items.add(new Item("s" + i, i + 2, Map.of("title", "song number" + i + (i % 2 == 0 ? " rain" : " sun"),
                    "genre", i % 2 == 0 ? "jazz" : "rock")));
        }
        return items;
    }

    @Test
    void builds_in_batches_reporting_progress_then_adds_with_the_same_fields() throws IOException {
        WordHashEmbedder embedder = new WordHashEmbedder();
        List<long[]> progress = new ArrayList<>();
        Path dir = new ItemIndexer(embedder, CLOCK).build(tmp.resolve("idx"), items(150),
                new EmbeddedText(List.of("title")), (done, total) -> progress.add(new long[] {done, total}));
        assertThat(embedder.calls).isEqualTo(3);
        assertThat(progress).extracting(p -> p[0]).containsExactly(64L, 128L, 150L);
        try (VectorIndex index = VectorIndex.open(dir, CLOCK)) {
            assertThat(index.size()).isEqualTo(150);
            assertThat(index.manifest().modelId()).isEqualTo("word-hash-64");
            List<SearchHit> hits = index.search(embedder.embed(List.of("title: rain")).get(0), 5,
                    List.of(MetadataFilter.parse("genre=jazz")));
            assertThat(hits).hasSize(5).allSatisfy(h -> assertThat(h.metadata()).containsEntry("genre", "jazz"));

            new ItemIndexer(embedder, CLOCK).add(index, List.of(new Item("new", 1, Map.of("title", "thunder storm",
                    "genre", "metal"))), ItemIndexer.Progress.NONE);
            assertThat(index.search(embedder.embed(List.of("title: thunder storm")).get(0), 1, List.of()))
                    .extracting(SearchHit::id).containsExactly("new");
        }
    }

    @Test
    void an_embedder_failing_half_way_leaves_no_index() {
        WordHashEmbedder embedder = new WordHashEmbedder();
        embedder.failAfterCalls = 1;
        assertThatThrownBy(() -> new ItemIndexer(embedder, CLOCK).build(tmp.resolve("idx"), items(150),
                EmbeddedText.allTextFields(), ItemIndexer.Progress.NONE)).hasMessage("the embedder failed");
        assertThat(tmp.resolve("idx")).doesNotExist();
        assertThat(tmp.toFile().list()).isEmpty();
    }

    @Test
    void refuses_to_add_with_another_model() throws IOException {
        Path dir = new ItemIndexer(new WordHashEmbedder(), CLOCK).build(tmp.resolve("idx"), items(3),
                EmbeddedText.allTextFields(), ItemIndexer.Progress.NONE);
        WordHashEmbedder other = new WordHashEmbedder("other");
        try (VectorIndex index = VectorIndex.open(dir, CLOCK)) {
            assertThatThrownBy(() -> new ItemIndexer(other, CLOCK).add(index, items(1), ItemIndexer.Progress.NONE))
                    .hasMessageContaining("built with the model word-hash-64");
            assertThat(index.size()).isEqualTo(3);
        }
        assertThat(Files.exists(dir.resolve("manifest.json"))).isTrue();
    }
}
