package dev.acp.run;

import dev.acp.env.Secrets;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

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
 * <p>The first failure to write or sync fails the journal for good: every append after it, and
 * every forced append whose record was not yet on disk, throws {@link UncheckedIOException}
 * naming that first failure. Writing on after a failure could leave a hole (a batch that was
 * never written, followed by later records) or glue records onto a torn line, and after a failed
 * {@code fsync} the kernel may have dropped the dirty pages while a later {@code fsync} reports
 * success; a journal that is not a prefix of what was appended could make a resume pay twice.
 *
 * <p>The file is written with a {@link FileOutputStream} and synced through its file descriptor,
 * not with a {@code FileChannel}: a channel is closed for good when a thread using it is
 * interrupted, and the engine interrupts step threads whenever it cancels one. (A channel is
 * used only briefly by {@link #open}, on the opening thread, to cut off a torn last line.)
 */
public final class Journal implements AutoCloseable {
    static final long FLUSH_MILLIS = 20;

    /** How much of the journal reaches the disk (survives a power cut, not only a crash of the process). */
    public enum Durability {
        /** Forced records at once; the others within a forced record's sync or when the journal closes. */
        ALL,
        /**
         * Only forced records, and what precedes them, are synced; the others are written (so
         * they survive a crash of the process) but left to the operating system, also at close.
         * For runs that cannot pay: the run's start and end are then not forced either, and the
         * run costs no sync at all, while any record forced (a paid call's) still is, with
         * everything before it.
         */
        FORCED_ONLY
    }

    /** Where the journal's bytes go; a seam so that tests can make writes and syncs fail. */
    interface Sink {
        /** Writes all of {@code bytes}, or throws (having perhaps written some of them). */
        void write(byte[] bytes) throws IOException;

        /** Puts everything written so far on disk. */
        void sync() throws IOException;

        void close() throws IOException;
    }

    /** The journal file, appended to through a stream (see the class comment for why). */
    private static final class FileSink implements Sink {
        private final FileOutputStream out;

        FileSink(FileOutputStream out) {
            this.out = out;
        }

        @Override
        public void write(byte[] bytes) throws IOException {
            out.write(bytes);
        }

        @Override
        public void sync() throws IOException {
            out.getFD().sync();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    private final Sink sink;
    private final JournalCodec codec;
    private final Durability durability;
    /**
     * Guards every field below. Never held while writing or syncing: one thread at a time (the
     * "writer") takes the pending records, writes and syncs them with the lock released, and the
     * threads whose records it covers wait on {@link #progress}. A waiting virtual thread parks
     * instead of spinning on a monitor or pinning its carrier through an fsync.
     */
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled whenever a writer finishes, successfully or not. */
    private final Condition progress = lock.newCondition();
    private final ScheduledExecutorService flusher;
    /**
     * Records appended and not yet taken by a writer, in order: records number {@code taken + 1}
     * to {@code appended}. They are encoded by the writer, so that the engine's threads do not
     * pay for the encoding of records that are not forced.
     */
    private List<JournalRecord> pending = new ArrayList<>();
    /** The number of records appended, which is the position of the last one. */
    private long appended;
    private boolean closed;
    /** Whether a thread is writing or syncing now (with the lock released). */
    private boolean writing;
    /**
     * The position of the last record handed to the sink whole, and of the last one synced with
     * it. Positions, not batch sizes: "my record is on disk" is concluded only from
     * {@code forced >= position}.
     */
    private long written;
    private long forced;
    private boolean sinkClosed;
    /** Whether any append asked to be forced; a {@link Durability#FORCED_ONLY} journal then syncs at close too. */
    private boolean forceRequested;
    /** The first failure to write or sync; from then on nothing is written. */
    private @Nullable IOException failure;
    /** How many bytes of a torn last line {@link #open} cut off. */
    private final long tornTail;

    Journal(Sink sink) {
        this(sink, 0, Secrets.none(), Durability.ALL);
    }

    Journal(Sink sink, Durability durability) {
        this(sink, 0, Secrets.none(), durability);
    }

    private Journal(Sink sink, long tornTail, Secrets secrets, Durability durability) {
        this.sink = sink;
        this.codec = new JournalCodec(secrets);
        this.tornTail = tornTail;
        this.durability = Objects.requireNonNull(durability, "durability");
        // A virtual thread: a batch opens a journal per row, and a platform thread per journal
        // was a thread started and stopped per row. It only writes what was appended; nothing
        // waits on its timing.
        this.flusher = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("acp-journal").factory());
        flusher.scheduleWithFixedDelay(this::flushQuietly, FLUSH_MILLIS, FLUSH_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Opens {@code file} for appending, creating it if needed. A torn last line (the process was
     * killed while writing it) is cut off first: the next record would otherwise be glued onto it
     * and be unreadable too.
     */
    public static Journal open(Path file) throws IOException {
        return open(file, Secrets.none());
    }

    /**
     * Like {@link #open(Path)}, masking {@code secrets} in every record: an error message that
     * quotes a key, or a parameter rendered from {@code {{env.X}}}, never reaches the file.
     */
    public static Journal open(Path file, Secrets secrets) throws IOException {
        return open(file, secrets, Durability.ALL);
    }

    /** Like {@link #open(Path, Secrets)}, as durable as {@code durability}. */
    public static Journal open(Path file, Secrets secrets, Durability durability) throws IOException {
        long torn = dropTornTail(file);
        return new Journal(new FileSink(new FileOutputStream(file.toFile(), true)), torn, secrets, durability);
    }

    /**
     * Whether the run's own milestones (started, finished) are forced: yes unless the journal is
     * {@link Durability#FORCED_ONLY}, where nothing but a paid call's records is.
     */
    public boolean syncsMilestones() {
        return durability == Durability.ALL;
    }

    /**
     * The number of bytes of a torn last line that {@link #open} cut off, 0 when there was none;
     * for the warning that a reader of the file would otherwise have given.
     */
    long tornTail() {
        return tornTail;
    }

    /**
     * Truncates {@code file} to just after its last newline, if it does not end with one.
     *
     * @return the number of bytes cut off
     */
    private static long dropTornTail(Path file) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            return 0;
        }
        try (ch) {
            long size = ch.size();
            long end = size;
            ByteBuffer buf = ByteBuffer.allocate(8192);
            search:
            while (end > 0) {
                long from = Math.max(0, end - buf.capacity());
                buf.clear().limit((int) (end - from));
                while (buf.hasRemaining()) {
                    if (ch.read(buf, from + buf.position()) < 0) {
                        throw new IOException(file + " got shorter while it was being opened");
                    }
                }
                for (int i = buf.limit() - 1; i >= 0; i--) {
                    if (buf.get(i) == '\n') {
                        end = from + i + 1;
                        break search;
                    }
                }
                end = from;
            }
            if (end < size) {
                ch.truncate(end);
                // On disk before anything is appended after it.
                ch.force(true);
            }
            return size - end;
        }
    }

    /**
     * Appends a record.
     *
     * @param force return only once the record (and every record before it) is on disk
     * @throws UncheckedIOException when the journal cannot be written, now or since an earlier
     *     failure
     */
    public void append(JournalRecord record, boolean force) {
        long position;
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the journal is closed");
            }
            if (failure != null) {
                throw failed();
            }
            pending.add(record);
            position = ++appended;
            forceRequested |= force;
        } finally {
            lock.unlock();
        }
        if (force) {
            try {
                sync(position, true);
            } catch (IOException e) {
                throw failed();
            }
        }
    }

    /**
     * Writes every record appended so far to the file (without syncing), for a reader of the
     * file in this process.
     *
     * @throws IOException when they cannot be written (the journal has then failed)
     */
    public void flush() throws IOException {
        sync(appendedCount(), false);
    }

    private boolean forcedEver() {
        lock.lock();
        try {
            return forceRequested;
        } finally {
            lock.unlock();
        }
    }

    /** How many records were appended; tests wait on it to know that threads are queued. */
    long appendedCount() {
        lock.lock();
        try {
            return appended;
        } finally {
            lock.unlock();
        }
    }

    /** The exception for an append that cannot be kept, naming the journal's first failure. */
    private UncheckedIOException failed() {
        IOException cause;
        lock.lock();
        try {
            cause = Objects.requireNonNull(failure, "failure");
        } finally {
            lock.unlock();
        }
        return new UncheckedIOException("cannot write the run journal: " + cause.getMessage(), cause);
    }

    /**
     * Returns once every record up to number {@code position} is written (and with {@code force},
     * synced): by this thread, or by the writer of the moment whose batch covers it. Parallel
     * forced appends thus share one write and one sync.
     *
     * @throws IOException when they are not (all) there; {@link #failure} is then set
     */
    private void sync(long position, boolean force) throws IOException {
        List<JournalRecord> batch;
        long end;
        boolean syncToo;
        lock.lock();
        try {
            while (true) {
                if (force ? forced >= position : written >= position) {
                    // Covered by another thread's write or force, before any failure.
                    return;
                }
                if (failure != null) {
                    throw failure;
                }
                if (sinkClosed) {
                    // Only the flusher can get here, after close() wrote everything.
                    return;
                }
                if (!writing) {
                    break;
                }
                progress.awaitUninterruptibly();
            }
            // This thread writes everything appended so far, and syncs it when asked to or when
            // a forced record waits in it.
            writing = true;
            batch = pending;
            pending = new ArrayList<>();
            end = appended;
            syncToo = force;
        } finally {
            lock.unlock();
        }
        IOException problem = null;
        long nowWritten = -1;
        long nowForced = -1;
        try {
            if (!batch.isEmpty()) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 * batch.size());
                for (JournalRecord r : batch) {
                    bytes.writeBytes(codec.encode(r));
                }
                sink.write(bytes.toByteArray());
            }
            nowWritten = end;
            if (syncToo) {
                sink.sync();
                nowForced = end;
            }
        } catch (IOException e) {
            problem = e;
        } catch (RuntimeException e) {
            // A record that cannot be encoded: its batch is gone, so later records must not be
            // written either.
            problem = new IOException("cannot encode a journal record: " + e.getMessage(), e);
        }
        lock.lock();
        try {
            writing = false;
            if (nowWritten >= 0) {
                written = nowWritten;
            }
            if (nowForced >= 0) {
                forced = nowForced;
            }
            if (problem != null && failure == null) {
                failure = problem;
            }
            progress.signalAll();
            if (failure != null && (force ? forced < position : written < position)) {
                throw failure;
            }
        } finally {
            lock.unlock();
        }
    }

    private void flushQuietly() {
        try {
            sync(appendedCount(), false);
        } catch (IOException e) {
            // Not swallowed: sync() recorded it as the journal's failure, and the next append
            // (and every forced append still waiting) throws it. Nothing is written any more.
            flusher.shutdown();
        }
    }

    /**
     * Writes and syncs everything, then closes the file.
     *
     * @throws IOException when some record appended could not be put on disk
     */
    @Override
    public void close() throws IOException {
        flusher.shutdownNow();
        long end;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            end = appended;
        } finally {
            lock.unlock();
        }
        try {
            // FORCED_ONLY: synced if a record was ever forced (a paid call's, with all after it
            // in the same way as before); otherwise only written.
            sync(end, durability == Durability.ALL || forcedEver());
        } catch (IOException e) {
            IOException first;
            lock.lock();
            try {
                first = Objects.requireNonNull(failure, "failure");
            } finally {
                lock.unlock();
            }
            throw new IOException("cannot write the run journal: " + first.getMessage(), first);
        } finally {
            lock.lock();
            try {
                // A writer of the moment (the flusher, a late forced append) finishes first.
                while (writing) {
                    progress.awaitUninterruptibly();
                }
                sinkClosed = true;
            } finally {
                lock.unlock();
            }
            sink.close();
        }
    }
}
