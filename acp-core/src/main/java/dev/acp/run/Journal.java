package dev.acp.run;

import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The append-only writer of a run's journal, with group commit.
 *
 * <p>A forced append returns only when its record, and every record before it, is on disk
 * ({@code fsync}); appends that arrive while another thread is forcing are covered by that one
 * force or the next, so parallel steps share the cost. Appends that are not forced (the state of
 * free steps) are written within {@value #FLUSH_MILLIS} ms or with the next forced record. The
 * file on disk is therefore always a prefix of the records appended, in order, and no forced
 * record is ever lost.
 *
 * <p>The file is written with a {@link FileOutputStream} and synced through its file descriptor,
 * not with a {@code FileChannel}: a channel is closed for good when a thread using it is
 * interrupted, and the engine interrupts step threads whenever it cancels one.
 */
public final class Journal implements AutoCloseable {
    static final long FLUSH_MILLIS = 20;

    private final FileOutputStream file;
    private final JournalCodec codec = new JournalCodec();
    private final Object appendLock = new Object();
    private final Object writeLock = new Object();
    private final ScheduledExecutorService flusher;
    /**
     * Records appended and not yet written, in order. They are encoded when written, so that
     * the engine's threads do not pay for the encoding of records that are not forced.
     */
    private List<JournalRecord> pending = new ArrayList<>();
    /** Records appended, under appendLock. */
    private long appended;
    /** Records written to the file, and synced to disk, under writeLock. */
    private long written;
    private long forced;
    private boolean closed;

    private Journal(FileOutputStream file) {
        this.file = file;
        this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "acp-journal");
            t.setDaemon(true);
            return t;
        });
        flusher.scheduleWithFixedDelay(this::flushQuietly, FLUSH_MILLIS, FLUSH_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Opens {@code file} for appending, creating it if needed. */
    public static Journal open(Path file) throws IOException {
        return new Journal(new FileOutputStream(file.toFile(), true));
    }

    /**
     * Appends a record.
     *
     * @param force return only once the record is on disk
     * @throws UncheckedIOException when the journal cannot be written
     */
    public void append(JournalRecord record, boolean force) {
        long position;
        synchronized (appendLock) {
            if (closed) {
                throw new IllegalStateException("the journal is closed");
            }
            pending.add(record);
            position = ++appended;
        }
        if (force) {
            try {
                sync(position, true);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the run journal: " + e.getMessage(), e);
            }
        }
    }

    /** Writes (and with {@code force}, syncs) every record up to number {@code position}. */
    private void sync(long position, boolean force) throws IOException {
        synchronized (writeLock) {
            if (written < position) {
                List<JournalRecord> batch;
                synchronized (appendLock) {
                    batch = pending;
                    pending = new ArrayList<>();
                }
                ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 * batch.size());
                for (JournalRecord r : batch) {
                    bytes.writeBytes(codec.encode(r));
                }
                file.write(bytes.toByteArray());
                written += batch.size();
            }
            if (force && forced < position) {
                file.getFD().sync();
                forced = written;
            }
        }
    }

    private void flushQuietly() {
        try {
            long end;
            synchronized (appendLock) {
                end = appended;
            }
            sync(end, false);
        } catch (IOException | RuntimeException e) {
            // The next forced append reports the failure to the engine.
        }
    }

    /** Writes and syncs everything, then closes the file. */
    @Override
    public void close() throws IOException {
        flusher.shutdownNow();
        long end;
        synchronized (appendLock) {
            closed = true;
            end = appended;
        }
        try {
            sync(end, true);
        } finally {
            file.close();
        }
    }
}
