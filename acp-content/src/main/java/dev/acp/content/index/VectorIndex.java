package dev.acp.content.index;

import dev.acp.error.UsageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.AcceptDocs;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;

/**
 * An index folder opened for searching and for changes in place. Searches see the index as it
 * was opened, and each change ({@link #add}, {@link #remove}) is committed before it returns and
 * then seen by later searches. One process changes an index at a time (Lucene's write lock).
 *
 * <p>Approximate search walks the HNSW graph keeping {@code ef} candidates (at least {@code k}):
 * more candidates, better recall, slower queries.
 */
public final class VectorIndex implements AutoCloseable {
    /** The folder of the Lucene index inside an index folder. */
    static final String LUCENE = "lucene";

    private final Path folder;
    private final Clock clock;
    private final Directory directory;
    private final IndexDocuments documents = new IndexDocuments();
    private final ItemReader itemReader = new ItemReader(documents);
    private IndexManifest manifest;
    private DirectoryReader reader;
    private IndexSearcher searcher;

    private VectorIndex(Path folder, Clock clock, Directory directory, IndexManifest manifest, DirectoryReader reader) {
        this.folder = folder;
        this.clock = clock;
        this.directory = directory;
        this.manifest = manifest;
        this.reader = reader;
        this.searcher = searcher(reader);
    }

    /**
     * Opens the index in {@code folder}.
     *
     * @throws UsageException when there is no index there, or one of another format version
     */
    public static VectorIndex open(Path folder, Clock clock) throws IOException {
        IndexManifest manifest = IndexManifest.read(folder);
        Path lucene = folder.resolve(LUCENE);
        if (!Files.isDirectory(lucene)) {
            throw new UsageException("the index " + folder + " has a manifest but no vectors (" + LUCENE + "/ is"
                    + " missing): build it again with 'acp content index build --index " + folder + " --input ITEMS'");
        }
        Directory directory = FSDirectory.open(lucene);
        try {
            return new VectorIndex(folder, clock, directory, manifest, DirectoryReader.open(directory));
        } catch (IOException | RuntimeException e) {
            directory.close();
            throw e;
        }
    }

    private static IndexSearcher searcher(DirectoryReader reader) {
        IndexSearcher s = new IndexSearcher(reader);
        // The query cache helps repeated filters over static text search; kNN queries are all different.
        s.setQueryCache(null);
        return s;
    }

    public IndexManifest manifest() {
        return manifest;
    }

    public Path folder() {
        return folder;
    }

    /** Items in the index. */
    public long size() {
        return reader.numDocs();
    }

    /**
     * The {@code k} items most similar to {@code query}, best first, among those that pass every
     * filter, searching with {@code max(k, ef)} candidates. Filters are applied inside the graph
     * search (and by an exact scan when they leave few items), so {@code k} hits come back whenever
     * {@code k} items pass them.
     */
    public List<SearchHit> search(float[] query, int k, int ef, List<? extends ItemFilter> filters) {
        requireDimensions(query);
        List<ScoreDoc> top = nearest(IndexDocuments.unit(query), k, ef, filters, null);
        return hits(top);
    }

    /** {@link #search(float[], int, int, List)} with {@link #defaultEf(int)} candidates. */
    public List<SearchHit> search(float[] query, int k, List<? extends ItemFilter> filters) {
        return search(query, k, defaultEf(k), filters);
    }

    /**
     * The {@code k} items most similar to the item {@code id}, itself excluded, best first.
     *
     * @return empty when no item has that id
     */
    public Optional<List<SearchHit>> similar(String id, int k, List<? extends ItemFilter> filters) {
        Optional<float[]> vector = vector(id);
        if (vector.isEmpty()) {
            return Optional.empty();
        }
        List<ScoreDoc> top = nearest(vector.get(), k, defaultEf(k + 1), filters, id);
        return Optional.of(hits(top));
    }

    /** Whether an item with this id is indexed. */
    public boolean contains(String id) {
        return docOf(id) >= 0;
    }

    /** The stored vector of item {@code id}, if there is one. */
    public Optional<float[]> vector(String id) {
        int doc = docOf(id);
        if (doc < 0) {
            return Optional.empty();
        }
        try {
            LeafReaderContext leaf = reader.leaves().get(org.apache.lucene.index.ReaderUtil.subIndex(doc,
                    reader.leaves()));
            FloatVectorValues values = leaf.reader().getFloatVectorValues(IndexDocuments.VECTOR);
            if (values == null) {
                return Optional.empty();
            }
            KnnVectorValues.DocIndexIterator it = values.iterator();
            int local = doc - leaf.docBase;
            if (it.advance(local) != local) {
                return Optional.empty();
            }
            return Optional.of(values.vectorValue(it.index()).clone());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every item with its vector and metadata, in index order: what clustering reads. Deleted
     * items are skipped.
     */
    public List<IndexedItem> items() {
        try {
            List<float[]> vectors = new ArrayList<>(reader.numDocs());
            int[] docs = new int[reader.numDocs()];
            for (LeafReaderContext leaf : reader.leaves()) {
                FloatVectorValues values = leaf.reader().getFloatVectorValues(IndexDocuments.VECTOR);
                if (values == null) {
                    continue;
                }
                org.apache.lucene.util.Bits live = leaf.reader().getLiveDocs();
                KnnVectorValues.DocIndexIterator it = values.iterator();
                for (int local = it.nextDoc(); local != org.apache.lucene.search.DocIdSetIterator.NO_MORE_DOCS;
                        local = it.nextDoc()) {
                    if (live != null && !live.get(local)) {
                        continue;
                    }
                    docs[vectors.size()] = leaf.docBase + local;
                    vectors.add(values.vectorValue(it.index()).clone());
                }
            }
            IndexDocuments.Hit[] found = itemReader.read(reader, Arrays.copyOf(docs, vectors.size()));
            List<IndexedItem> out = new ArrayList<>(found.length);
            for (int i = 0; i < found.length; i++) {
                out.add(new IndexedItem(found[i].id(), vectors.get(i), found[i].metadata()));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The candidates to keep when asked for {@code k} results and nothing else is said: enough for recall ≥ 0.95. */
    public static int defaultEf(int k) {
        return Math.max(k, 100);
    }

    /**
     * Adds items, replacing those whose ids are indexed already, and commits.
     *
     * @throws UsageException when another process is changing the index
     */
    public void add(Collection<IndexedItem> items) throws IOException {
        for (IndexedItem item : items) {
            if (item.vector().length != manifest.dimensions()) {
                throw new IllegalArgumentException("item " + item.id() + " has " + item.vector().length
                        + " dimensions; the index has " + manifest.dimensions());
            }
        }
        change(writer -> {
            for (IndexedItem item : items) {
                writer.updateDocument(new Term(IndexDocuments.ID, item.id()),
                        documents.document(item, manifest.formatVersion()));
            }
        });
    }

    /**
     * Removes the items with these ids and commits.
     *
     * @return the ids that were indexed (and are now removed)
     */
    public List<String> remove(Collection<String> ids) throws IOException {
        List<String> found = ids.stream().distinct().filter(this::contains).toList();
        if (!found.isEmpty()) {
            change(writer -> writer.deleteDocuments(found.stream().map(id -> new Term(IndexDocuments.ID, id))
                    .toArray(Term[]::new)));
        }
        return found;
    }

    /** What the index holds and how it is laid out. */
    public IndexStats stats() throws IOException {
        long bytes;
        try (Stream<Path> files = Files.walk(folder)) {
            bytes = files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        }
        return new IndexStats(folder, manifest, reader.numDocs(), reader.numDeletedDocs(), reader.leaves().size(),
                bytes);
    }

    private interface Change {
        void apply(IndexWriter writer) throws IOException;
    }

    /**
     * Applies a change and commits it, then the manifest's count. Lucene's commit is atomic: a crash
     * before it leaves the index as it was; one after it leaves only the manifest's count behind,
     * which {@link #stats()} does not rely on.
     */
    private void change(Change change) throws IOException {
        IndexWriterConfig config = new IndexWriterConfig().setCodec(new IndexCodec())
                .setOpenMode(IndexWriterConfig.OpenMode.APPEND).setCommitOnClose(false);
        IndexWriter writer;
        try {
            writer = new IndexWriter(directory, config);
        } catch (LockObtainFailedException e) {
            throw new UsageException("another acp process is changing the index " + folder + ": try again when it"
                    + " has finished");
        }
        try (writer) {
            change.apply(writer);
            writer.commit();
        } catch (IOException | RuntimeException e) {
            writer.rollback();
            throw e;
        }
        DirectoryReader fresh = DirectoryReader.openIfChanged(reader);
        if (fresh != null) {
            reader.close();
            reader = fresh;
            searcher = searcher(fresh);
        }
        manifest = manifest.withItems(reader.numDocs(), clock.instant());
        manifest.write(folder);
    }

    private void requireDimensions(float[] query) {
        if (query.length != manifest.dimensions()) {
            throw new IllegalArgumentException("the query has " + query.length + " dimensions; the index has "
                    + manifest.dimensions());
        }
    }

    /** The best {@code k} docs, best first, leaving out {@code exclude} (an item's own id). */
    private List<ScoreDoc> nearest(float[] query, int k, int ef, List<? extends ItemFilter> filters,
            @org.jspecify.annotations.Nullable String exclude) {
        int wanted = exclude == null ? k : k + 1;
        int candidates = Math.max(wanted, ef);
        try {
            List<ScoreDoc> all = new ArrayList<>();
            if (filters.isEmpty() && exclude == null) {
                // Each segment's graph directly: no query rewriting for the common case.
                for (LeafReaderContext ctx : reader.leaves()) {
                    LeafReader leaf = ctx.reader();
                    if (leaf.getFloatVectorValues(IndexDocuments.VECTOR) == null) {
                        continue;
                    }
                    TopDocs td = leaf.searchNearestVectors(IndexDocuments.VECTOR, query, candidates,
                            AcceptDocs.fromLiveDocs(leaf.getLiveDocs(), leaf.maxDoc()), Integer.MAX_VALUE);
                    for (ScoreDoc d : td.scoreDocs) {
                        all.add(new ScoreDoc(d.doc + ctx.docBase, d.score));
                    }
                }
            } else {
                BooleanQuery.Builder b = new BooleanQuery.Builder();
                for (ItemFilter f : filters) {
                    b.add(query(f), BooleanClause.Occur.FILTER);
                }
                if (exclude != null) {
                    b.add(new TermQuery(new Term(IndexDocuments.ID, exclude)), BooleanClause.Occur.MUST_NOT);
                    if (filters.isEmpty()) {
                        b.add(new org.apache.lucene.search.MatchAllDocsQuery(), BooleanClause.Occur.FILTER);
                    }
                }
                Query filter = b.build();
                TopDocs td = searcher.search(new KnnFloatVectorQuery(IndexDocuments.VECTOR, query, candidates, filter),
                        candidates);
                all.addAll(List.of(td.scoreDocs));
            }
            all.sort(Comparator.comparingDouble((ScoreDoc d) -> d.score).reversed().thenComparingInt(d -> d.doc));
            return all.subList(0, Math.min(k, all.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Query query(ItemFilter filter) {
        return switch (filter) {
            case MetadataFilter exact -> new TermQuery(IndexDocuments.filterTerm(exact));
            case RangeFilter range -> {
                requireNumbers(range.field());
                yield DoublePoint.newRangeQuery(IndexDocuments.NUMBER_PREFIX + range.field(), range.lower(),
                        range.upper());
            }
        };
    }

    /**
     * Refuses a range filter on a field no item has a number in: a typo, a text field, or an index
     * built before numbers were indexed for ranges would otherwise just match nothing.
     */
    private void requireNumbers(String field) {
        FieldInfos infos = FieldInfos.getMergedFieldInfos(reader);
        FieldInfo points = infos.fieldInfo(IndexDocuments.NUMBER_PREFIX + field);
        if (points != null && points.getPointDimensionCount() > 0) {
            return;
        }
        List<String> numeric = new ArrayList<>();
        for (FieldInfo info : infos) {
            if (info.name.startsWith(IndexDocuments.NUMBER_PREFIX) && info.getPointDimensionCount() > 0) {
                numeric.add(info.name.substring(IndexDocuments.NUMBER_PREFIX.length()));
            }
        }
        String hint = !numeric.isEmpty() ? "its fields with numbers: " + String.join(", ", numeric.stream().sorted()
                .toList()) : "it has no numbers to compare (an index built before ACP indexed numbers for --where"
                + " needs building again)";
        throw new UsageException("no item of the index " + folder + " has a number in the field '" + field + "'; "
                + hint);
    }

    private List<SearchHit> hits(List<ScoreDoc> top) {
        try {
            int[] docs = new int[top.size()];
            for (int i = 0; i < docs.length; i++) {
                docs[i] = top.get(i).doc;
            }
            IndexDocuments.Hit[] found = itemReader.read(reader, docs);
            List<SearchHit> hits = new ArrayList<>(top.size());
            for (int i = 0; i < docs.length; i++) {
                // Lucene's dot-product score is (1 + cosine) / 2, kept non-negative.
                double cosine = 2.0 * top.get(i).score - 1.0;
                hits.add(new SearchHit(found[i].id(), cosine, found[i].metadata()));
            }
            return hits;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private int docOf(String id) {
        try {
            TopDocs td = searcher.search(new TermQuery(new Term(IndexDocuments.ID, id)), 1);
            return td.scoreDocs.length == 0 ? -1 : td.scoreDocs[0].doc;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        reader.close();
        directory.close();
    }
}
