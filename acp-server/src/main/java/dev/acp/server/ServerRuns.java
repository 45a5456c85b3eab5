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
 *
 * <p>A queued run is recorded on disk ({@link QueuedRuns}) until it has a run folder, so a stop
 * or a crash does not lose it: {@link #restore} queues it again at the next start. {@link #close}
 * stops taking runs, cancels the running ones as Ctrl-C does (they stay resumable from their
 * journals) and waits a bounded time for them to get there.
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
        /** Its record stays on disk while it is queued. */
        private final Runnable forget;
        private State state = State.QUEUED;
        private @Nullable RunHandle handle;
        private @Nullable String error;
        private @Nullable String finalStatus;
        private boolean cancelRequested;

        Entry(String id, RunEvents events, Instant submittedAt, Supplier<Runner> runner, Runnable forget) {
            this.forget = forget;
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
                        forget.run();
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
    /** Workers waiting for a run, which a stop may interrupt; a busy one finishes its run's stop first. */
    private final java.util.Set<Thread> idle = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final QueuedRuns queued;
    private final java.util.function.Function<QueuedRuns.Request, Runner> runners;
    private volatile boolean closing;

    /** acp_runs_queued: runs waiting for one of the --max-runs places. */
    private final AcpMetrics metrics;

    /**
     * @param queued where queued runs are recorded until they start
     * @param runners makes the Runner of a request when a worker is free
     */
    ServerRuns(int maxRuns, int keepFinished, Clock clock, Consumer<String> log, AcpMetrics metrics,
            QueuedRuns queued, java.util.function.Function<QueuedRuns.Request, Runner> runners) {
        this.metrics = metrics;
        this.queued = queued;
        this.runners = runners;
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
     * Queues a run, recorded on disk first so that a stop does not lose it. A run with this id
     * that is still queued or running is refused (a second resume of it), and so is every run
     * while the server stops.
     */
    Entry submit(QueuedRuns.Request request) {
        return submit(request, true);
    }

    /**
     * Queues again the runs a stopped server had queued, oldest first; a new run that has a
     * folder already started before the stop and is never started twice.
     *
     * @param hasFolder whether a run of this id has a run folder
     */
    int restore(java.util.function.Predicate<String> hasFolder) throws java.io.IOException {
        int n = 0;
        for (QueuedRuns.Request r : queued.load()) {
            if (!r.isResume() && hasFolder.test(r.runId())) {
                queued.remove(r.runId());
                continue;
            }
            try {
                submit(r, false).events.add("notice", Map.of("message", "queued again after the server restarted"));
                n++;
            } catch (ApiException e) {
                log.accept("queued run " + r.runId() + " is not queued again: " + e.getMessage());
            }
        }
        return n;
    }

    private Entry submit(QueuedRuns.Request request, boolean record) {
        String id = request.runId();
        if (closing) {
            throw new ApiException(503, "stopping", "the server is stopping; send the run again once it is back",
                    List.of(), Map.of());
        }
        Supplier<Runner> runner = () -> runners.apply(request);
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
            if (record) {
                try {
                    queued.save(request);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException("cannot record the queued run " + id + ": " + e.getMessage(),
                            e);
                }
            }
            entries.remove(id);
            entry = new Entry(id, events, request.submittedAt(), runner, () -> queued.remove(id));
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
        while (!closing && !Thread.currentThread().isInterrupted()) {
            Entry e;
            idle.add(Thread.currentThread());
            try {
                if (closing) {
                    return; // close() may have looked at the idle set before this worker joined it
                }
                e = queue.take();
            } catch (InterruptedException ex) {
                return;
            } finally {
                idle.remove(Thread.currentThread());
            }
            if (closing) {
                return; // stays queued on disk for the next start
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
            e.forget.run(); // it has a run folder now: its journal holds it
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
        if (e.handle == null) {
            e.forget.run(); // nothing started, and it would be refused again
        }
        synchronized (e) {
            e.error = message;
            e.state = e.handle == null ? State.REFUSED : State.FINISHED;
        }
        e.events.add("run_refused", Map.of("run_id", e.id, "message", message));
    }

    /** {@link #close(java.time.Duration)} with 30 seconds for the running runs to stop. */
    @Override
    public void close() {
        close(java.time.Duration.ofSeconds(30));
    }

    /**
     * Stops: no run is taken or accepted any more (queued ones stay recorded for the next
     * start), running ones are cancelled as with Ctrl-C and given {@code grace} to reach a
     * resumable state (their steps stop, paid jobs stay on record, the journal is flushed). A
     * run still going after that is interrupted; its journal still resumes it.
     */
    void close(java.time.Duration grace) {
        closing = true;
        for (Entry e : entries()) {
            if (e.state() == State.RUNNING || e.state() == State.STARTING) {
                e.cancel();
            }
        }
        idle.forEach(Thread::interrupt);
        long deadline = System.nanoTime() + grace.toNanos();
        for (Thread t : workers) {
            try {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !t.join(java.time.Duration.ofNanos(left))) {
                    t.interrupt();
                    log.accept("a run did not stop within " + grace.toSeconds() + " s of the stop; it is"
                            + " interrupted and resumable from its journal (acp pipeline run --resume ID)");
                    t.join(java.time.Duration.ofSeconds(5));
                }
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
