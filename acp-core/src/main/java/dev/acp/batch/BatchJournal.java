package dev.acp.batch;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The append-only journal of a batch, one JSON record per line ({@link BatchRecord}). Each
 * append is written through to the operating system before it returns, and returns the record's
 * offset, so that the batch's results can later be read back one row at a time without keeping
 * them in memory. A torn last line (the process was killed while writing it) is cut off on open.
 */
final class BatchJournal implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    private final ReentrantLock lock = new ReentrantLock();
    private final FileOutputStream out;
    private long position;

    private BatchJournal(FileOutputStream out, long position) {
        this.out = out;
        this.position = position;
    }

    /** Opens (or creates) {@code file} for appending. */
    static BatchJournal open(Path file) throws IOException {
        long keep = 0;
        if (Files.exists(file)) {
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
                keep = raf.length();
                // Back to just after the last line break: what follows it was never finished.
                while (keep > 0) {
                    raf.seek(keep - 1);
                    if (raf.read() == '\n') {
                        break;
                    }
                    keep--;
                }
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(keep);
            }
        }
        return new BatchJournal(new FileOutputStream(file.toFile(), true), keep);
    }

    /** Appends a record; returns its offset in the file. */
    long append(BatchRecord record) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        JSON.writerFor(BatchRecord.class).writeValue(line, record);
        line.write('\n');
        lock.lock();
        try {
            long at = position;
            out.write(line.toByteArray());
            position += line.size();
            return at;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    /** Receives the records of a journal in order, with their offsets. */
    @FunctionalInterface
    interface Visitor {
        void record(long offset, BatchRecord record);
    }

    /**
     * Reads every record of a journal in order, streaming. A line that cannot be read (a journal
     * written by a newer ACP, a damaged disk) is passed to {@code unreadable} and skipped.
     */
    static void read(Path file, Visitor visitor, java.util.function.Consumer<String> unreadable) throws IOException {
        long offset = 0;
        long number = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                number++;
                long at = offset;
                offset += line.getBytes(StandardCharsets.UTF_8).length + 1;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    visitor.record(at, JSON.readValue(line, BatchRecord.class));
                } catch (JsonProcessingException e) {
                    unreadable.accept(file.getFileName() + ":" + number + ": " + e.getOriginalMessage());
                }
            }
        } catch (NoSuchFileException e) {
            // A batch created and killed before its first record: nothing happened in it.
        }
    }

    /** Reads records at given offsets of one journal, for the results of a batch row by row. */
    static final class At implements AutoCloseable {
        private final RandomAccessFile file;

        At(Path journal) throws IOException {
            this.file = new RandomAccessFile(journal.toFile(), "r");
        }

        BatchRecord read(long offset) throws IOException {
            file.seek(offset);
            ByteArrayOutputStream line = new ByteArrayOutputStream(512);
            byte[] buf = new byte[512];
            while (true) {
                int n = file.read(buf);
                if (n < 0) {
                    break;
                }
                int end = 0;
                while (end < n && buf[end] != '\n') {
                    end++;
                }
                line.write(buf, 0, end);
                if (end < n) {
                    break;
                }
            }
            return JSON.readValue(line.toByteArray(), BatchRecord.class);
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }
}
