package dev.acp.content.index;

import dev.acp.error.UsageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SerialMergeScheduler;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.IOUtils;

/**
 * Builds a new index into a temporary folder beside the target and moves it into place only once
 * it is complete (every item written, merged, committed and synced, the manifest written last), so
 * that a build that fails or is killed never leaves a folder that looks like an index: the target
 * keeps its old index, or stays absent. A target that already holds an index is replaced by the
 * new one; a folder holding anything else is refused before any work.
 *
 * <pre>{@code
 * try (var b = VectorIndexBuilder.create(dir, manifest, clock)) {
 *     items.forEach(b::add);
 *     b.commit();
 * }
 * }</pre>
 */
public final class VectorIndexBuilder implements AutoCloseable {
    private final Path target;
    private final Path temporary;
    private final IndexManifest manifest;
    private final Clock clock;
    private final IndexDocuments documents = new IndexDocuments();
    private final IndexWriter writer;
    private final Set<String> ids = new HashSet<>();
    private boolean committed;

    private VectorIndexBuilder(Path target, Path temporary, IndexManifest manifest, Clock clock, IndexWriter writer) {
        this.target = target;
        this.temporary = temporary;
        this.manifest = manifest;
        this.clock = clock;
        this.writer = writer;
    }

    /**
     * Starts building an index of {@code manifest}'s model at {@code target}.
     *
     * @throws UsageException when {@code target} exists and is neither an index nor an empty folder
     */
    public static VectorIndexBuilder create(Path target, IndexManifest manifest, Clock clock) throws IOException {
        Path absolute = target.toAbsolutePath().normalize();
        if (Files.exists(absolute) && !Files.isDirectory(absolute)) {
            throw new UsageException(target + " is a file, not a folder: name a new folder for the index with --index");
        }
        if (Files.isDirectory(absolute) && !isEmpty(absolute) && !Files.isRegularFile(absolute.resolve(
                IndexManifest.FILE))) {
            throw new UsageException(target + " already holds files that are not an ACP index: name a new or empty"
                    + " folder with --index");
        }
        Path parent = absolute.getParent();
        Files.createDirectories(parent);
        // A dot name beside the target: same file system (so the final move is a rename), and
        // never mistaken for the index when a build dies half-way.
        Path temporary = parent.resolve("." + absolute.getFileName() + ".building-" + UUID.randomUUID());
        Files.createDirectory(temporary);
        try {
            IndexWriterConfig config = new IndexWriterConfig()
                    .setCodec(new IndexCodec())
                    .setOpenMode(IndexWriterConfig.OpenMode.CREATE)
                    // One big in-memory segment instead of many small ones, each with its own graph
                    // that the final merge would have to join; a quarter of the heap at most.
                    .setRAMBufferSizeMB(Math.max(16, Math.min(1024, Runtime.getRuntime().maxMemory() / 4 / (1 << 20))))
                    // Merges on this thread: a build uses one core, as the benchmark measures.
                    .setMergeScheduler(new SerialMergeScheduler())
                    .setCommitOnClose(false);
            IndexWriter writer = new IndexWriter(FSDirectory.open(temporary.resolve(VectorIndex.LUCENE)), config);
            return new VectorIndexBuilder(absolute, temporary, manifest, clock, writer);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temporary);
            throw e;
        }
    }

    /**
     * Adds an item.
     *
     * @throws IllegalArgumentException when its id was added before or its vector has the wrong length
     */
    public void add(IndexedItem item) {
        if (item.vector().length != manifest.dimensions()) {
            throw new IllegalArgumentException("item " + item.id() + " has " + item.vector().length
                    + " dimensions; the index has " + manifest.dimensions());
        }
        if (!ids.add(item.id())) {
            throw new IllegalArgumentException("the id " + item.id() + " is given twice");
        }
        try {
            writer.addDocument(documents.document(item, manifest.formatVersion()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Items added so far. */
    public long size() {
        return ids.size();
    }

    /**
     * Finishes the index and moves it into place at the target, replacing the index there.
     *
     * <p>The index is merged into one segment first: a query searches every segment's graph for
     * its candidates and merges the results, so several segments cost several searches; one graph
     * over all items is also the one whose recall a given search effort reaches. The merge costs
     * the build little because items go into one in-memory segment in the first place.
     *
     * @return the index's folder
     */
    public Path commit() throws IOException {
        writer.forceMerge(1);
        writer.commit();
        writer.close();
        manifest.withItems(ids.size(), clock.instant()).write(temporary);
        IOUtils.fsync(temporary, true);
        if (Files.isDirectory(target) && !isEmpty(target)) {
            // Two renames: the old index goes aside, the new one takes its name. A crash between them
            // leaves the new index complete under its temporary name and no half index at the target.
            Path old = target.resolveSibling("." + target.getFileName() + ".replaced-" + UUID.randomUUID());
            move(target, old);
            move(temporary, target);
            deleteQuietly(old);
        } else {
            Files.deleteIfExists(target);
            move(temporary, target);
        }
        IOUtils.fsync(target.getParent(), true);
        committed = true;
        return target;
    }

    /** Abandons the build unless it was committed: nothing is left behind, and the target is untouched. */
    @Override
    public void close() {
        if (committed) {
            return;
        }
        try {
            writer.rollback();
        } catch (IOException | RuntimeException e) {
            // The folder is deleted below whatever state the writer is in.
        }
        deleteQuietly(temporary);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // Left for the user: the folder's dot name says it is not an index.
                }
            });
        } catch (IOException e) {
            // As above.
        }
    }
}
