package dev.acp.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal's promise: a forced append returns only once its record and every earlier one are
 * on disk, and after any failure to write or sync nothing more is written and every append that
 * is not on disk throws.
 */
@Timeout(60)
class JournalTest {
    @TempDir
    Path dir;

    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void tearDown() {
        threads.shutdownNow();
    }

    /**
     * The journal file, with failures on demand: the n-th write (after writing half its bytes,
     * as a full disk does) or the n-th sync fails, and the n-th write can be held until released.
     */
    static final class FaultySink implements Journal.Sink {
        private final FileOutputStream out;
        final AtomicInteger writes = new AtomicInteger();
        final AtomicInteger syncs = new AtomicInteger();
        volatile int failWrite;
        volatile int failSync;
        volatile int holdWrite;
        final CountDownLatch held = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch failed = new CountDownLatch(1);

        FaultySink(Path file) throws IOException {
            this.out = new FileOutputStream(file.toFile(), true);
        }

        @Override
        public void write(byte[] bytes) throws IOException {
            int n = writes.incrementAndGet();
            if (n == holdWrite) {
                held.countDown();
                try {
                    if (!release.await(30, TimeUnit.SECONDS)) {
                        throw new IOException("the test never released the write");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
            if (n == failWrite) {
                out.write(bytes, 0, bytes.length / 2);
                failed.countDown();
                throw new IOException("No space left on device");
            }
            out.write(bytes);
        }

        @Override
        public void sync() throws IOException {
            if (syncs.incrementAndGet() == failSync) {
                failed.countDown();
                throw new IOException("Input/output error");
            }
            out.getFD().sync();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    private static JournalRecord step(String id) {
        return new JournalRecord.StepStarted(id, 1, Instant.parse("2024-01-01T00:00:00Z"));
    }

    /** The step ids of the records on disk, in order. */
    private static List<String> onDisk(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        for (JournalRecord r : JournalReader.read(file).records()) {
            out.add(switch (r) {
                case JournalRecord.StepStarted s -> s.step();
                case JournalRecord.RunResumed s -> "resumed";
                default -> r.toString();
            });
        }
        return out;
    }

    private Future<?> forcedAppend(Journal journal, String id) {
        return threads.submit(() -> journal.append(step(id), true));
    }

    /** What an append in another thread threw, or null when it returned normally. */
    private static @Nullable Throwable outcome(Future<?> f) throws InterruptedException {
        try {
            f.get(30, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the append did not finish", e);
        }
    }

    private static void waitUntil(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.onSpinWait();
        }
    }

    @Test
    void records_read_back_in_the_order_they_were_appended() throws IOException {
        Path file = dir.resolve("journal.jsonl");
        List<String> expected = new ArrayList<>();
        try (Journal journal = Journal.open(file)) {
            for (int i = 0; i < 100; i++) {
                journal.append(step("s" + i), i % 7 == 0);
                expected.add("s" + i);
            }
        }
        assertThat(onDisk(file)).containsExactlyElementsOf(expected);
        assertThat(JournalReader.read(file).warnings()).isEmpty();
    }

    @Test
    void a_journal_of_free_steps_writes_everything_and_syncs_nothing() throws IOException {
        Path file = dir.resolve("journal.jsonl");
        FaultySink sink = new FaultySink(file);
        Journal journal = new Journal(sink, Journal.Durability.FORCED_ONLY);
        assertThat(journal.syncsMilestones()).isFalse();
        for (int i = 0; i < 10; i++) {
            journal.append(step("s" + i), false);
        }
        journal.close();
        assertThat(onDisk(file)).hasSize(10);
        assertThat(sink.syncs.get()).isZero();
    }

    @Test
    void a_journal_of_free_steps_still_syncs_a_forced_record_and_what_follows_it_at_close() throws IOException {
        Path file = dir.resolve("journal.jsonl");
        FaultySink sink = new FaultySink(file);
        Journal journal = new Journal(sink, Journal.Durability.FORCED_ONLY);
        journal.append(step("free"), false);
        journal.append(step("paid"), true);
        assertThat(sink.syncs.get()).isEqualTo(1);
        assertThat(onDisk(file)).hasSize(2);
        journal.append(step("after"), false);
        journal.close();
        assertThat(onDisk(file)).hasSize(3);
        assertThat(sink.syncs.get()).isEqualTo(2);
    }

    @Test
    void close_writes_and_syncs_records_that_were_not_forced() throws IOException {
        Path file = dir.resolve("journal.jsonl");
        FaultySink sink = new FaultySink(file);
        Journal journal = new Journal(sink);
        for (int i = 0; i < 10; i++) {
            journal.append(step("s" + i), false);
        }
        journal.close();
        assertThat(onDisk(file)).hasSize(10);
        assertThat(sink.syncs.get()).isPositive();
        assertThatThrownBy(() -> journal.append(step("late"), true)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void forced_appends_of_many_threads_share_one_write_and_sync() throws Exception {
        Path file = dir.resolve("journal.jsonl");
        FaultySink sink = new FaultySink(file);
        sink.holdWrite = 1;
        Journal journal = new Journal(sink);
        List<Future<?>> appends = new ArrayList<>();
        appends.add(forcedAppend(journal, "first"));
        assertThat(sink.held.await(30, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 15; i++) {
            appends.add(forcedAppend(journal, "t" + i));
        }
        // All fifteen are queued behind the write in progress.
        waitUntil(() -> journal.appendedCount() == 16, "every thread appended");
        sink.release.countDown();
        for (Future<?> f : appends) {
            assertThat(outcome(f)).isNull();
        }
        // One write for the first record, one for the other fifteen; the fifteen share a sync.
        assertThat(sink.writes.get()).isEqualTo(2);
        assertThat(sink.syncs.get()).isLessThanOrEqualTo(2);
        journal.close();
        assertThat(onDisk(file)).hasSize(16).startsWith("first");
    }

    @Test
    void a_failed_write_of_a_shared_batch_fails_both_parallel_forced_appends() throws Exception {
        Path file = dir.resolve("journal.jsonl");
        FaultySink sink = new FaultySink(file);
        sink.holdWrite = 1;
        sink.failWrite = 2;
        Journal journal = new Journal(sink);
        Future<?> first = forcedAppend(journal, "first");
        assertThat(sink.held.await(30, TimeUnit.SECONDS)).isTrue();
        // Both records go into the second batch, whose write fails: neither may pass for durable.
        Future<?> a = forcedAppend(journal, "job-a");
        Future<?> b = forcedAppend(journal, "job-b");
        waitUntil(() -> journal.appendedCount() == 3, "both threads appended");
        sink.release.countDown();

        assertThat(outcome(first)).isNull();
        for (Future<?> f : List.of(a, b)) {
            assertThat(outcome(f)).isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("No space left on device")
                    .cause().hasMessage("No space left on device");
        }
        // Half the batch reached the file: whatever is whole of it may be read back (as after a
        // crash), but its appends threw, and the engine stops on that.
        List<String> disk = onDisk(file);
        assertThat(disk).first().isEqualTo("first");
        assertThat(disk.subList(1, disk.size())).isSubsetOf("job-a", "job-b");

        // Failed for good: nothing after it is accepted or written, forced or not.
        assertThatThrownBy(() -> journal.append(step("later"), true)).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("No space left on device");
        assertThatThrownBy(() -> journal.append(step("later"), false)).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("No space left on device");
        assertThatThrownBy(journal::close).isInstanceOf(IOException.class)
                .hasMessageContaining("No space left on device");
        assertThat(sink.writes.get()).isEqualTo(2);
        // The torn half-batch stays the last line, never glued to a later record.
        assertThat(onDisk(file)).isEqualTo(disk);
        assertThat(JournalReader.read(file).warnings()).allMatch(w -> w.contains("the last record was cut off"));
    }

    @Test
    void under_write_failures_every_forced_append_that_returns_is_on_disk() throws Exception {
        boolean sawFailure = false;
        for (int failAt = 1; failAt <= 12; failAt++) {
            Path file = dir.resolve("journal-" + failAt + ".jsonl");
            FaultySink sink = new FaultySink(file);
            sink.failWrite = failAt;
            Journal journal = new Journal(sink);
            int threadCount = 8;
            int perThread = 40;
            List<Future<List<String>>> outcomes = new ArrayList<>();
            CountDownLatch start = new CountDownLatch(1);
            for (int t = 0; t < threadCount; t++) {
                int thread = t;
                outcomes.add(threads.submit(() -> {
                    start.await();
                    List<String> seen = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        boolean force = i % 3 != 0;
                        try {
                            journal.append(step(thread + ":" + i), force);
                            seen.add(force ? "durable" : "returned");
                        } catch (UncheckedIOException e) {
                            seen.add("threw");
                        }
                    }
                    return seen;
                }));
            }
            start.countDown();
            List<List<String>> seen = new ArrayList<>();
            for (Future<List<String>> f : outcomes) {
                seen.add(f.get(30, TimeUnit.SECONDS));
            }
            Throwable closed = catchThrowable(journal::close);
            sawFailure |= closed != null;

            List<String> disk = onDisk(file);
            for (int t = 0; t < threadCount; t++) {
                String prefix = t + ":";
                List<String> mine = disk.stream().filter(s -> s.startsWith(prefix)).toList();
                // A prefix of this thread's records, in order, without holes.
                for (int i = 0; i < mine.size(); i++) {
                    assertThat(mine.get(i)).isEqualTo(prefix + i);
                }
                List<String> outcome = seen.get(t);
                for (int i = 0; i < perThread; i++) {
                    if (outcome.get(i).equals("durable")) {
                        assertThat(i).as("forced record %s%d returned, so it is on disk", prefix, i)
                                .isLessThan(mine.size());
                    }
                    if (i > 0 && outcome.get(i - 1).equals("threw")) {
                        assertThat(outcome.get(i)).as("after a failure every append throws").isEqualTo("threw");
                    }
                }
            }
            assertThat(JournalReader.read(file).warnings()).allMatch(w -> w.contains("the last record was cut off"));
        }
        assertThat(sawFailure).isTrue();
    }

    @Test
    void a_failed_sync_is_never_retried_and_fails_every_later_append() throws IOException {
        Path file = dir.resolve("journal.jsonl");
        FaultySink sink = new FaultySink(file);
        sink.failSync = 1;
        Journal journal = new Journal(sink);
        assertThatThrownBy(() -> journal.append(step("a"), true)).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("Input/output error");
        int writes = sink.writes.get();
        assertThatThrownBy(() -> journal.append(step("b"), true)).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("Input/output error");
        assertThatThrownBy(() -> journal.append(step("c"), false)).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("Input/output error");
        assertThatThrownBy(journal::close).isInstanceOf(IOException.class).hasMessageContaining("Input/output error");
        // A later fsync could "succeed" although the pages it should have saved are gone.
        assertThat(sink.syncs.get()).isEqualTo(1);
        assertThat(sink.writes.get()).isEqualTo(writes);
    }

    @Test
    void a_write_failure_in_the_flusher_fails_the_next_forced_append() throws Exception {
        Path file = dir.resolve("journal.jsonl");
        FaultySink sink = new FaultySink(file);
        sink.failWrite = 1;
        Journal journal = new Journal(sink);
        journal.append(step("free"), false);
        // Only the background flusher writes a record that is not forced.
        assertThat(sink.failed.await(30, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> journal.append(step("paid"), true)).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("No space left on device");
        assertThat(sink.writes.get()).isEqualTo(1);
        assertThat(onDisk(file)).isEmpty();
    }

    @Test
    void a_write_failure_in_the_flusher_fails_the_next_plain_append() throws Exception {
        Path file = dir.resolve("journal.jsonl");
        FaultySink sink = new FaultySink(file);
        sink.failWrite = 1;
        Journal journal = new Journal(sink);
        journal.append(step("free"), false);
        assertThat(sink.failed.await(30, TimeUnit.SECONDS)).isTrue();
        // The flusher records its failure just after the write throws; appends made before that
        // may still be taken (as any record not forced yet may be lost), none after it.
        Throwable[] thrown = new Throwable[1];
        waitUntil(() -> (thrown[0] = catchThrowable(() -> journal.append(step("more"), false))) != null,
                "an append reports the flusher's failure");
        assertThat(thrown[0]).isInstanceOf(UncheckedIOException.class).hasMessageContaining("No space left on device");
        assertThatThrownBy(() -> journal.append(step("more"), false)).isInstanceOf(UncheckedIOException.class);
        assertThat(sink.writes.get()).isEqualTo(1);
    }

    @Test
    void a_torn_last_line_is_cut_off_when_the_journal_is_opened() throws IOException {
        Path file = dir.resolve("journal.jsonl");
        try (Journal journal = Journal.open(file)) {
            journal.append(step("a"), true);
            journal.append(step("b"), true);
        }
        long whole = Files.size(file);
        // Killed while writing the next record.
        Files.writeString(file, "1a2b3c4d {\"type\":\"step_started\",\"st", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        try (Journal journal = Journal.open(file)) {
            assertThat(Files.size(file)).isEqualTo(whole);
            assertThat(journal.tornTail()).isEqualTo(35);
            journal.append(new JournalRecord.RunResumed("sha", List.of(), Instant.now()), true);
        }
        assertThat(onDisk(file)).containsExactly("a", "b", "resumed");
        assertThat(JournalReader.read(file).warnings()).isEmpty();
    }

    @Test
    void a_torn_tail_longer_than_one_read_is_cut_off_too() throws IOException {
        Path file = dir.resolve("journal.jsonl");
        try (Journal journal = Journal.open(file)) {
            journal.append(step("a"), true);
        }
        long whole = Files.size(file);
        Files.writeString(file, "x".repeat(20_000), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        Journal.open(file).close();
        assertThat(Files.size(file)).isEqualTo(whole);
        assertThat(onDisk(file)).containsExactly("a");
    }

    @Test
    void a_journal_that_is_only_a_torn_line_is_emptied_when_opened() throws IOException {
        Path file = dir.resolve("journal.jsonl");
        Files.writeString(file, "1a2b3c4d {\"type\":\"run_sta", StandardCharsets.UTF_8);
        try (Journal journal = Journal.open(file)) {
            assertThat(Files.size(file)).isZero();
            journal.append(step("a"), true);
        }
        assertThat(onDisk(file)).containsExactly("a");
        assertThat(JournalReader.read(file).warnings()).isEmpty();
    }
}
