package dev.acp.server;

import dev.acp.error.AcpException;
import dev.acp.run.RunHandle;
import dev.acp.run.RunOutcome;
import dev.acp.run.Runner;
import dev.acp.metrics.AcpMetrics;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The runs this server started: at most {@code maxRuns} at once, the others queued in order and
 * visible as queued. Each run is started by a {@link Runner} (the library's one run path, with
 * its estimate, limits, journal, cache and report) on one of {@code maxRuns} worker threads; the
 * providers and their governors are those of the server's one {@code Acp}, shared by all runs.
 * A run that fails or is refused at start ends as such; the workers go on.
 */
final class ServerRuns implements AutoCloseable {
    /** Where a run of this server is. */
    enum State {
        QUEUED,
        STARTING,
        RUNNING,
        FINISHED,
        /** Refused at start (its pipeline changed into an invalid one, the budget, a lock): nothing ran. */
        REFUSED,
        /** Cancelled while queued: nothing ran. */
        CANCELLED
    }

    /** One run (or resume) handed to the server. */
    static final class Entry {
        final String id;
        final RunEvents events;
        final Instant submittedAt;
        private final Supplier<Runner> runner;
        private State state = State.QUEUED;
        private @Nullable RunHandle handle;
        private @Nullable String error;
        private @Nullable String finalStatus;
        private boolean cancelRequested;

        Entry(String id, RunEvents events, Instant submittedAt, Supplier<Runner> runner) {
            this.id = id;
            this.events = events;
            this.submittedAt = submittedAt;
            this.runner = runner;
        }

        synchronized State state() {
            return state;
        }

        synchronized @Nullable String error() {
            return error;
        }

        /** The run's status in the words of {@code acp runs list}, or queued, refused, cancelled. */
        synchronized String status() {
            return switch (state) {
                case QUEUED, STARTING -> "queued";
                case RUNNING -> "running";
                case FINISHED -> finalStatus != null ? finalStatus : "failed";
                case REFUSED -> "refused";
                case CANCELLED -> "cancelled";
            };
        }

        synchronized boolean active() {
            return state == State.QUEUED || state == State.STARTING || state == State.RUNNING;
        }

        /** Cancels: a queued run never starts, a running one stops as with Ctrl-C (resumable). */
        void cancel() {
            RunHandle h = null;
            synchronized (this) {
                switch (state) {
                    case QUEUED -> {
                        state = State.CANCELLED;
                        events.add("run_cancelled", Map.of("run_id", id, "message", "cancelled while queued;"
                                + " nothing ran"));
                        events.end();
                        return;
                    }
                    case STARTING -> {
                        cancelRequested = true;
                        return;
                    }
                    case RUNNING -> h = handle;
                    case FINISHED, REFUSED, CANCELLED -> {
                        return;
                    }
                }
            }
            if (h != null) {
                h.cancel();
            }
        }
    }

    private final int maxRuns;
    private final int keepFinished;
    private final Clock clock;
    private final Consumer<String> log;
    private final BlockingQueue<Entry> queue = new LinkedBlockingQueue<>();
    /** By id, oldest first; finished ones beyond {@code keepFinished} are forgotten (their journals remain). */
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final List<Thread> workers = new ArrayList<>();

    /** acp_runs_queued: runs waiting for one of the --max-runs places. */
    private final AcpMetrics metrics;

    ServerRuns(int maxRuns, int keepFinished, Clock clock, Consumer<String> log, AcpMetrics metrics) {
        this.metrics = metrics;
        if (maxRuns < 1) {
            throw new IllegalArgumentException("maxRuns must be at least 1");
        }
        this.maxRuns = maxRuns;
        this.keepFinished = keepFinished;
        this.clock = clock;
        this.log = log;
        for (int i = 0; i < maxRuns; i++) {
            workers.add(Thread.ofVirtual().name("acp-server-runs-" + i).start(this::work));
        }
    }

    int maxRuns() {
        return maxRuns;
    }

    /**
     * Queues a run under {@code id}; {@code runner} makes its Runner when a worker is free. A run
     * with this id that is still queued or running is refused (a second resume of it).
     */
    Entry submit(String id, Supplier<Runner> runner) {
        Entry entry;
        synchronized (entries) {
            Entry previous = entries.get(id);
            if (previous != null && previous.active()) {
                throw ApiException.conflict("run " + id + " is " + previous.status() + " already; wait for it to end"
                        + " or cancel it first");
            }
            RunEvents events;
            if (previous != null) {
                events = previous.events; // a resume: the stream numbers on
                events.reopen();
            } else {
                events = new RunEvents(10_000, clock);
            }
            entries.remove(id);
            entry = new Entry(id, events, clock.instant(), runner);
            entries.put(id, entry);
            forgetOldFinished();
        }
        entry.events.add("run_queued", Map.of("run_id", id, "position", queue.size() + 1));
        queue.add(entry);
        metrics.runQueued();
        return entry;
    }

    Optional<Entry> get(String id) {
        synchronized (entries) {
            return Optional.ofNullable(entries.get(id));
        }
    }

    /** Every run this server still remembers, newest first. */
    List<Entry> entries() {
        synchronized (entries) {
            List<Entry> out = new ArrayList<>(entries.values());
            java.util.Collections.reverse(out);
            return out;
        }
    }

    private void forgetOldFinished() {
        int finished = (int) entries.values().stream().filter(e -> !e.active()).count();
        Iterator<Entry> it = entries.values().iterator();
        while (finished > keepFinished && it.hasNext()) {
            if (!it.next().active()) {
                it.remove();
                finished--;
            }
        }
    }

    private void work() {
        while (!Thread.currentThread().isInterrupted()) {
            Entry e;
            try {
                e = queue.take();
            } catch (InterruptedException ex) {
                return;
            }
            metrics.runDequeued();
            synchronized (e) {
                if (e.state != State.QUEUED) {
                    continue; // cancelled while queued
                }
                e.state = State.STARTING;
            }
            run(e);
        }
    }

    private void run(Entry e) {
        RunHandle handle = null;
        try {
            Runner runner = e.runner.get().listener(e.events).onEstimate(e.events::estimate).onNotice(e.events::notice);
            handle = runner.start();
            boolean cancel;
            synchronized (e) {
                e.handle = handle;
                e.state = State.RUNNING;
                cancel = e.cancelRequested;
            }
            if (cancel) {
                handle.cancel();
            }
            RunOutcome outcome = handle.await();
            synchronized (e) {
                e.finalStatus = outcome.result().status().wireName();
                e.state = State.FINISHED;
            }
        } catch (AcpException | ApiException ex) {
            refused(e, ex.getMessage());
        } catch (InterruptedException ex) {
            // The server stops: the run stops as with Ctrl-C and stays resumable.
            if (handle != null) {
                handle.cancel();
            }
            synchronized (e) {
                e.finalStatus = "interrupted";
                e.state = State.FINISHED;
            }
            Thread.currentThread().interrupt();
        } catch (RuntimeException ex) {
            log.accept("run " + e.id + " failed: " + ex);
            refused(e, "the run could not go on: " + ex.getMessage());
        } finally {
            e.events.end();
        }
    }

    private void refused(Entry e, String message) {
        synchronized (e) {
            e.error = message;
            e.state = e.handle == null ? State.REFUSED : State.FINISHED;
        }
        e.events.add("run_refused", Map.of("run_id", e.id, "message", message));
    }

    /** Stops the workers; running runs are cancelled and stay resumable. */
    @Override
    public void close() {
        for (Entry e : entries()) {
            if (e.state() == State.RUNNING) {
                e.cancel();
            }
        }
        workers.forEach(Thread::interrupt);
        for (Thread t : workers) {
            try {
                t.join(java.time.Duration.ofSeconds(30));
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
