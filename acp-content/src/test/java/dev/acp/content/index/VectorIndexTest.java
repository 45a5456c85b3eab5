package dev.acp.content.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.acp.error.UsageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VectorIndexTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-07T19:00:00Z"), ZoneOffset.UTC);
    private static final String MODEL = "test-model-v1";

    @TempDir
    Path tmp;

    @Test
    void recall_at_10_against_exact_search_is_at_least_0_95() throws IOException {
        int n = 5_000;
        int dims = 384;
        float[][] data = ClusteredVectors.generate(n, dims, 50, 42);
        float[][] queries = ClusteredVectors.generate(100, dims, 50, 42 + 1);
        Path dir = tmp.resolve("idx");
        try (VectorIndexBuilder b = VectorIndexBuilder.create(dir, IndexManifest.create(MODEL, dims, List.of(),
                CLOCK.instant()), CLOCK)) {
            for (int i = 0; i < n; i++) {
                b.add(new IndexedItem(String.valueOf(i), data[i], Map.of()));
            }
            b.commit();
        }
        try (VectorIndex index = VectorIndex.open(dir, CLOCK)) {
            assertThat(index.stats().segments()).isEqualTo(1);
            int found = 0;
            for (float[] q : queries) {
                Set<String> exact = exactTop(data, q, 10);
                List<String> approximate = index.search(q, 10, List.of()).stream().map(SearchHit::id).toList();
                found += (int) approximate.stream().filter(exact::contains).count();
            }
            double recall = found / (10.0 * queries.length);
            assertThat(recall).isGreaterThanOrEqualTo(0.95);
        }
    }

    private static Set<String> exactTop(float[][] data, float[] q, int k) {
        float[] scores = new float[data.length];
        for (int i = 0; i < data.length; i++) {
            scores[i] = ClusteredVectors.dot(data[i], q);
        }
        return IntStream.range(0, data.length).boxed().sorted(Comparator.comparingDouble((Integer i) -> -scores[i]))
                .limit(k).map(String::valueOf).collect(java.util.stream.Collectors.toSet());
    }

    /** 60 items of 8 dimensions in 3 colours; item i points mostly along axis i % 8. */
    private Path smallIndex(Path dir) throws IOException {
        try (VectorIndexBuilder b = VectorIndexBuilder.create(dir, IndexManifest.create(MODEL, 8, List.of("title"),
                CLOCK.instant()), CLOCK)) {
            for (int i = 0; i < 60; i++) {
                b.add(item(i));
            }
            b.commit();
        }
        return dir;
    }

    private static IndexedItem item(int i) {
        float[] v = new float[8];
        v[i % 8] = 1;
        v[(i + 1) % 8] = 0.01f * (i / 8);
        String colour = List.of("red", "green", "blue").get(i % 3);
        return new IndexedItem("item-" + i, v, Map.of("colour", colour, "n", i, "tags", List.of("t" + i % 5, "all")));
    }

    private static float[] axis(int a) {
        float[] v = new float[8];
        v[a] = 1;
        return v;
    }

    @Test
    void finds_items_with_their_metadata_and_similarity() throws IOException {
        try (VectorIndex index = VectorIndex.open(smallIndex(tmp.resolve("idx")), CLOCK)) {
            assertThat(index.size()).isEqualTo(60);
            List<SearchHit> hits = index.search(axis(3), 5, List.of());
            assertThat(hits).hasSize(5);
            assertThat(hits.get(0).id()).isEqualTo("item-3");
            assertThat(hits.get(0).similarity()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-3));
            assertThat(hits.get(0).metadata()).containsEntry("colour", "red").containsEntry("n", 3);
            assertThat(hits).allSatisfy(h -> assertThat(Integer.parseInt(h.id().substring(5)) % 8).isEqualTo(3));
            assertThat(index.manifest().itemCount()).isEqualTo(60);
            assertThat(index.manifest().embeddedFields()).containsExactly("title");
        }
    }

    @Test
    void filters_apply_inside_the_search_so_k_hits_come_back() throws IOException {
        try (VectorIndex index = VectorIndex.open(smallIndex(tmp.resolve("idx")), CLOCK)) {
            // Only 20 items are blue, none of them near axis 3 first: a filter after the search
            // would return fewer than k.
            List<SearchHit> blue = index.search(axis(3), 10, 10, List.of(MetadataFilter.parse("colour=blue")));
            assertThat(blue).hasSize(10).allSatisfy(h -> assertThat(h.metadata()).containsEntry("colour", "blue"));
            // Lists match by element, numbers by value, filters together by all of them.
            assertThat(index.search(axis(0), 60, List.of(MetadataFilter.parse("tags=t2"),
                    MetadataFilter.parse("colour=green")))).extracting(SearchHit::id)
                    .containsExactlyInAnyOrder("item-7", "item-22", "item-37", "item-52");
            assertThat(index.search(axis(0), 5, List.of(MetadataFilter.parse("n=12.0")))).extracting(SearchHit::id)
                    .containsExactly("item-12");
            assertThat(index.search(axis(0), 5, List.of(MetadataFilter.parse("colour=Blue")))).isEmpty();
            assertThat(index.search(axis(0), 5, List.of(MetadataFilter.parse("id=item-9")))).extracting(SearchHit::id)
                    .containsExactly("item-9");
        }
    }

    @Test
    void range_filters_keep_items_with_a_number_in_range_inside_the_search() throws IOException {
        try (VectorIndex index = VectorIndex.open(smallIndex(tmp.resolve("idx")), CLOCK)) {
            // n is item i's number: 40..59 are 20 items, few of them near axis 3 first.
            assertThat(index.search(axis(3), 10, 10, List.of(RangeFilter.parse("n>=40")))).hasSize(10)
                    .allSatisfy(h -> assertThat((Integer) h.metadata().get("n")).isGreaterThanOrEqualTo(40));
            // Bounds: > and < leave the value itself out; two conditions on a field make a range, and
            // mix with exact filters.
            assertThat(index.search(axis(0), 60, List.of(RangeFilter.parse("n>10"), RangeFilter.parse("n <= 14"),
                    MetadataFilter.parse("colour=red")))).extracting(SearchHit::id)
                    .containsExactlyInAnyOrder("item-12");
            assertThat(index.search(axis(0), 60, List.of(RangeFilter.parse("n<2.5")))).extracting(SearchHit::id)
                    .containsExactlyInAnyOrder("item-0", "item-1", "item-2");
            assertThat(index.similar("item-8", 60, List.of(RangeFilter.parse("n<9"))).orElseThrow())
                    .extracting(SearchHit::id).hasSize(8).doesNotContain("item-8");
        }
    }

    @Test
    void range_filters_read_numbers_written_as_text_and_refuse_fields_without_numbers() throws IOException {
        Path dir = tmp.resolve("text-numbers");
        try (VectorIndexBuilder b = VectorIndexBuilder.create(dir, IndexManifest.create(MODEL, 8, List.of(),
                CLOCK.instant()), CLOCK)) {
            // A CSV cell is text: "1999" and "2010.5" are numbers to a range, "soon" is not.
            b.add(new IndexedItem("a", axis(0), Map.of("year", "1999", "title", "A")));
            b.add(new IndexedItem("b", axis(1), Map.of("year", "2010.5", "title", "B")));
            b.add(new IndexedItem("c", axis(2), Map.of("year", "soon", "title", "C")));
            b.add(new IndexedItem("d", axis(3), Map.of("year", List.of(1980, 2020), "title", "D")));
            b.commit();
        }
        try (VectorIndex index = VectorIndex.open(dir, CLOCK)) {
            assertThat(index.search(axis(0), 10, List.of(RangeFilter.parse("year>2000")))).extracting(SearchHit::id)
                    .containsExactlyInAnyOrder("b", "d");
            assertThatThrownBy(() -> index.search(axis(0), 10, List.of(RangeFilter.parse("title>=1"))))
                    .isInstanceOf(dev.acp.error.UsageException.class)
                    .hasMessage("no item of the index " + dir + " has a number in the field 'title'; its fields with"
                            + " numbers: year");
        }
        assertThatThrownBy(() -> RangeFilter.parse("tempo=>100")).hasMessageContaining("is not field>=number");
        assertThatThrownBy(() -> RangeFilter.parse("tempo>=fast")).hasMessage("the condition 'tempo>=fast' compares"
                + " with 'fast', which is not a number: write it like --where tempo>=100");
    }

    @Test
    void similar_items_leave_out_the_item_itself() throws IOException {
        try (VectorIndex index = VectorIndex.open(smallIndex(tmp.resolve("idx")), CLOCK)) {
            List<SearchHit> similar = index.similar("item-3", 5, List.of()).orElseThrow();
            assertThat(similar).hasSize(5).extracting(SearchHit::id).doesNotContain("item-3");
            assertThat(similar.get(0).id()).isEqualTo("item-11");
            assertThat(index.similar("no-such-item", 5, List.of())).isEmpty();
        }
    }

    @Test
    void adds_replaces_and_removes_items_in_place() throws IOException {
        Path dir = smallIndex(tmp.resolve("idx"));
        try (VectorIndex index = VectorIndex.open(dir, CLOCK)) {
            float[] diagonal = {1, 1, 1, 1, 1, 1, 1, 1};
            index.add(List.of(new IndexedItem("new", diagonal, Map.of("colour", "gold")),
                    new IndexedItem("item-3", axis(5), Map.of("colour", "replaced"))));
            assertThat(index.size()).isEqualTo(61);
            assertThat(index.search(diagonal, 1, List.of()).get(0).id()).isEqualTo("new");
            // item-3 now points along axis 5 and has its new metadata only.
            assertThat(index.search(axis(3), 60, List.of(MetadataFilter.parse("colour=red")))).extracting(SearchHit::id)
                    .doesNotContain("item-3");
            assertThat(index.search(axis(5), 1, List.of(MetadataFilter.parse("colour=replaced")))).extracting(
                    SearchHit::id).containsExactly("item-3");

            assertThat(index.remove(List.of("item-5", "item-13", "missing"))).containsExactly("item-5", "item-13");
            assertThat(index.size()).isEqualTo(59);
            assertThat(index.search(axis(5), 60, List.of())).extracting(SearchHit::id)
                    .doesNotContain("item-5", "item-13").contains("item-3");
            assertThat(index.contains("item-5")).isFalse();
        }
        // Committed: a fresh open sees the changes and the manifest's count.
        try (VectorIndex again = VectorIndex.open(dir, CLOCK)) {
            assertThat(again.size()).isEqualTo(59);
            assertThat(again.manifest().itemCount()).isEqualTo(59);
            assertThat(again.search(axis(5), 60, List.of())).extracting(SearchHit::id).doesNotContain("item-5");
        }
    }

    @Test
    void reads_and_changes_a_format_1_index_the_way_format_1_lays_it_out() throws IOException {
        // Format 1 (before the hit doc value): the id and metadata in stored fields only.
        Path dir = tmp.resolve("v1");
        IndexManifest v1 = new IndexManifest(1, MODEL, 8, 0, List.of("title"), CLOCK.instant(), CLOCK.instant());
        try (VectorIndexBuilder b = VectorIndexBuilder.create(dir, v1, CLOCK)) {
            for (int i = 0; i < 30; i++) {
                b.add(item(i));
            }
            b.commit();
        }
        try (VectorIndex index = VectorIndex.open(dir, CLOCK)) {
            assertThat(storedMetadataDocs(dir)).isEqualTo(30);
            index.add(List.of(item(40), item(3)));
            List<SearchHit> hits = index.search(axis(3), 3, List.of());
            assertThat(hits).extracting(SearchHit::id).contains("item-3");
            assertThat(hits.get(0).metadata()).containsEntry("n", Integer.parseInt(hits.get(0).id().substring(5)));
            assertThat(index.similar("item-40", 2, List.of()).orElseThrow()).isNotEmpty();
            assertThat(index.items()).hasSize(31).allSatisfy(it -> assertThat(it.metadata()).containsKey("colour"));
        }
        // Still format 1, and every item (the added ones too) laid out its way for an older ACP.
        assertThat(IndexManifest.read(dir).formatVersion()).isEqualTo(1);
        assertThat(storedMetadataDocs(dir)).isEqualTo(31);
    }

    @Test
    void a_new_index_keeps_hits_in_a_doc_value_not_in_stored_fields() throws IOException {
        Path dir = smallIndex(tmp.resolve("idx"));
        assertThat(IndexManifest.read(dir).formatVersion()).isEqualTo(2);
        assertThat(storedMetadataDocs(dir)).isZero();
        try (VectorIndex index = VectorIndex.open(dir, CLOCK)) {
            assertThat(index.items()).hasSize(60).first().satisfies(it -> {
                assertThat(it.id()).isEqualTo("item-0");
                assertThat(it.metadata()).containsEntry("colour", "red").containsEntry("tags", List.of("t0", "all"));
            });
        }
    }

    /** Live documents of the index in {@code dir} that have a stored metadata field (format 1's layout). */
    private static int storedMetadataDocs(Path dir) throws IOException {
        try (var directory = org.apache.lucene.store.FSDirectory.open(dir.resolve(VectorIndex.LUCENE));
                var reader = org.apache.lucene.index.DirectoryReader.open(directory)) {
            var stored = reader.storedFields();
            var live = org.apache.lucene.index.MultiBits.getLiveDocs(reader);
            int count = 0;
            for (int doc = 0; doc < reader.maxDoc(); doc++) {
                if ((live == null || live.get(doc))
                        && stored.document(doc).get(IndexDocuments.METADATA) != null) {
                    count++;
                }
            }
            return count;
        }
    }

    @Test
    void refuses_an_index_of_another_format_version_or_model() throws IOException {
        Path dir = smallIndex(tmp.resolve("idx"));
        IndexManifest manifest = IndexManifest.read(dir);
        assertThatThrownBy(() -> manifest.requireModel(dir, "other-model", 8)).isInstanceOf(UsageException.class)
                .hasMessageContaining("built with the model test-model-v1 (8 dimensions), not other-model")
                .hasMessageContaining("acp content index build --index");
        assertThatThrownBy(() -> manifest.requireModel(dir, MODEL, 384)).isInstanceOf(UsageException.class);
        manifest.requireModel(dir, MODEL, 8);

        Path file = dir.resolve(IndexManifest.FILE);
        Files.writeString(file, Files.readString(file).replace("\"format_version\" : 2", "\"format_version\" : 7"));
        assertThatThrownBy(() -> VectorIndex.open(dir, CLOCK)).isInstanceOf(UsageException.class)
                .hasMessageContaining("format version 7").hasMessageContaining("reads versions 1 to 2")
                .hasMessageContaining("or use the newer ACP that built it");

        assertThatThrownBy(() -> VectorIndex.open(tmp.resolve("missing"), CLOCK)).isInstanceOf(UsageException.class)
                .hasMessageStartingWith("no index at ");
        Files.createDirectories(tmp.resolve("plain"));
        assertThatThrownBy(() -> VectorIndex.open(tmp.resolve("plain"), CLOCK)).isInstanceOf(UsageException.class)
                .hasMessageContaining("not a complete ACP index");
    }

    @Test
    void a_build_that_fails_half_way_leaves_no_index_and_no_debris() throws IOException {
        Path dir = tmp.resolve("idx");
        assertThatThrownBy(() -> {
            try (VectorIndexBuilder b = VectorIndexBuilder.create(dir, IndexManifest.create(MODEL, 8, List.of(),
                    CLOCK.instant()), CLOCK)) {
                for (int i = 0; i < 60; i++) {
                    if (i == 30) {
                        throw new IllegalStateException("the embedder failed");
                    }
                    b.add(item(i));
                }
                b.commit();
            }
        }).hasMessage("the embedder failed");
        assertThat(dir).doesNotExist();
        assertThat(listing(tmp)).isEmpty();
        assertThatThrownBy(() -> VectorIndex.open(dir, CLOCK)).isInstanceOf(UsageException.class);
    }

    @Test
    void a_build_killed_half_way_leaves_nothing_that_looks_like_an_index() throws IOException {
        Path dir = tmp.resolve("idx");
        // A killed process runs no clean-up: the builder is abandoned, not closed.
        VectorIndexBuilder abandoned = VectorIndexBuilder.create(dir, IndexManifest.create(MODEL, 8, List.of(),
                CLOCK.instant()), CLOCK);
        for (int i = 0; i < 30; i++) {
            abandoned.add(item(i));
        }
        try {
            assertThat(dir).doesNotExist();
            assertThatThrownBy(() -> VectorIndex.open(dir, CLOCK)).isInstanceOf(UsageException.class)
                    .hasMessageStartingWith("no index at ");
            assertThat(listing(tmp)).singleElement().asString().startsWith(".idx.building-");
        } finally {
            abandoned.close();
        }
    }

    @Test
    void a_rebuild_that_fails_keeps_the_old_index_and_one_that_succeeds_replaces_it() throws IOException {
        Path dir = smallIndex(tmp.resolve("idx"));
        assertThatThrownBy(() -> {
            try (VectorIndexBuilder b = VectorIndexBuilder.create(dir, IndexManifest.create(MODEL, 8, List.of(),
                    CLOCK.instant()), CLOCK)) {
                b.add(new IndexedItem("only", axis(1), Map.of()));
                throw new IllegalStateException("killed");
            }
        }).hasMessage("killed");
        try (VectorIndex index = VectorIndex.open(dir, CLOCK)) {
            assertThat(index.size()).isEqualTo(60);
        }
        try (VectorIndexBuilder b = VectorIndexBuilder.create(dir, IndexManifest.create(MODEL, 8, List.of(),
                CLOCK.instant()), CLOCK)) {
            b.add(new IndexedItem("only", axis(1), Map.of()));
            b.commit();
        }
        try (VectorIndex index = VectorIndex.open(dir, CLOCK)) {
            assertThat(index.size()).isEqualTo(1);
        }
        assertThat(listing(tmp)).containsExactly("idx");
    }

    @Test
    void refuses_to_build_over_a_folder_that_is_not_an_index() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("photos"));
        Files.writeString(dir.resolve("keep.txt"), "mine");
        assertThatThrownBy(() -> VectorIndexBuilder.create(dir, IndexManifest.create(MODEL, 8, List.of(),
                CLOCK.instant()), CLOCK)).isInstanceOf(UsageException.class)
                .hasMessageContaining("not an ACP index");
        assertThat(dir.resolve("keep.txt")).hasContent("mine");
    }

    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
