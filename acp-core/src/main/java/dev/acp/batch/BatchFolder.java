package dev.acp.batch;

import com.fasterxml.jackson.databind.SerializationFeature;
import dev.acp.error.UsageException;
import dev.acp.util.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The folder of one batch under {@code ACP_HOME/batches}: {@code meta.json} (what it was started
 * with), {@code journal.jsonl} (which rows started and how they ended), {@code runs/} (each row's
 * run: its pipeline snapshot, run journal and report), and the lock of the process driving it.
 */
final class BatchFolder implements AutoCloseable {
    static final String META = "meta.json";
    static final String JOURNAL = "journal.jsonl";
    static final String RUNS = "runs";

    private final Path dir;
    private final BatchMeta meta;
    private final BatchLock lock;
    private final BatchJournal journal;

    private BatchFolder(Path dir, BatchMeta meta, BatchLock lock, BatchJournal journal) {
        this.dir = dir;
        this.meta = meta;
        this.lock = lock;
        this.journal = journal;
    }

    static BatchFolder create(Path dir, BatchMeta meta) throws IOException {
        Files.createDirectories(dir.getParent());
        Files.createDirectory(dir); // fails if a batch of that id exists: never two batches in one folder
        Files.createDirectories(dir.resolve(RUNS));
        byte[] json = BatchJournal.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(meta);
        Path tmp = dir.resolve("." + META + ".tmp");
        Files.write(tmp, json);
        AtomicFiles.moveIntoPlace(tmp, dir.resolve(META));
        return open(dir, meta);
    }

    static BatchFolder openForResume(Path dir) throws IOException {
        return open(dir, readMeta(dir));
    }

    private static BatchFolder open(Path dir, BatchMeta meta) throws IOException {
        BatchLock lock = BatchLock.take(dir, meta.batchId());
        try {
            return new BatchFolder(dir, meta, lock, BatchJournal.open(dir.resolve(JOURNAL)));
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    static BatchMeta readMeta(Path dir) throws IOException {
        Path file = dir.resolve(META);
        if (!Files.isRegularFile(file)) {
            throw new UsageException(dir + " is not a batch folder (no " + META + ")");
        }
        return BatchJournal.JSON.readValue(Files.readString(file, StandardCharsets.UTF_8), BatchMeta.class);
    }

    Path dir() {
        return dir;
    }

    Path runs() {
        return dir.resolve(RUNS);
    }

    Path journalFile() {
        return dir.resolve(JOURNAL);
    }

    BatchMeta meta() {
        return meta;
    }

    BatchJournal journal() {
        return journal;
    }

    @Override
    public void close() throws IOException {
        try {
            journal.close();
        } finally {
            lock.close();
        }
    }
}
