package dev.acp.content.items;

import dev.acp.content.embed.TextEmbedder;
import dev.acp.content.index.IndexManifest;
import dev.acp.content.index.IndexedItem;
import dev.acp.content.index.VectorIndex;
import dev.acp.content.index.VectorIndexBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Embeds items and puts them in an index: a new one ({@link #build}) or an existing one
 * ({@link #add}). Texts go to the embedder in batches, which is what makes a model fast; progress
 * is reported after each batch.
 */
public final class ItemIndexer {
    /** Texts per call of the embedder: large enough to fill its matrix kernels, small enough to report often. */
    static final int BATCH = 64;

    private final TextEmbedder embedder;
    private final Clock clock;

    public ItemIndexer(TextEmbedder embedder, Clock clock) {
        this.embedder = embedder;
        this.clock = clock;
    }

    /** Told how many items are embedded and indexed so far, of how many. */
    @FunctionalInterface
    public interface Progress {
        void indexed(long done, long total);

        Progress NONE = (done, total) -> {};
    }

    /**
     * Builds a new index of {@code items} at {@code folder}, replacing the index there; nothing is
     * in place until every item is in, so a failure leaves the folder as it was.
     */
    public Path build(Path folder, List<Item> items, EmbeddedText text, Progress progress) throws IOException {
        IndexManifest manifest = IndexManifest.create(embedder.modelId(), embedder.dimensions(), text.fields(),
                clock.instant());
        try (VectorIndexBuilder builder = VectorIndexBuilder.create(folder, manifest, clock)) {
            long done = 0;
            for (List<Item> batch : batches(items)) {
                for (IndexedItem item : embed(batch, text)) {
                    builder.add(item);
                }
                done += batch.size();
                progress.indexed(done, items.size());
            }
            return builder.commit();
        }
    }

    /**
     * Adds {@code items} to {@code index}, replacing items with the same ids, embedding the fields
     * the index was built with. The index must be of this indexer's model.
     */
    public void add(VectorIndex index, List<Item> items, Progress progress) throws IOException {
        index.manifest().requireModel(index.folder(), embedder.modelId(), embedder.dimensions());
        EmbeddedText text = new EmbeddedText(index.manifest().embeddedFields());
        List<IndexedItem> embedded = new ArrayList<>(items.size());
        long done = 0;
        for (List<Item> batch : batches(items)) {
            embedded.addAll(embed(batch, text));
            done += batch.size();
            progress.indexed(done, items.size());
        }
        // One commit for all: the index changes by all the items or, on failure, by none.
        index.add(embedded);
    }

    private List<IndexedItem> embed(List<Item> batch, EmbeddedText text) {
        List<String> texts = batch.stream().map(i -> text.of(i).orElseThrow(() -> new IllegalArgumentException(
                "item " + i.id() + " has no text to embed"))).toList();
        List<float[]> vectors = embedder.embed(texts);
        List<IndexedItem> out = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            out.add(new IndexedItem(batch.get(i).id(), vectors.get(i), batch.get(i).fields()));
        }
        return out;
    }

    private static List<List<Item>> batches(List<Item> items) {
        List<List<Item>> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i += BATCH) {
            out.add(items.subList(i, Math.min(items.size(), i + BATCH)));
        }
        return out;
    }
}
