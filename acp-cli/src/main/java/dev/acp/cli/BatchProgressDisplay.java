package dev.acp.cli;

import dev.acp.batch.BatchHandle;
import dev.acp.batch.BatchListener;
import dev.acp.batch.BatchProgress;
import dev.acp.batch.RowOutcome;
import dev.acp.batch.RowStatus;
import dev.acp.cost.Money;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Shows a batch as it runs, on stderr: rows done, failed, running and pending, what was spent
 * against the limit, throughput and the time left. On an interactive terminal that is one line
 * redrawn in place, with failed rows scrolling above it; when output is redirected, a log line
 * per failed row and a progress line at every tenth of the rows.
 */
abstract sealed class BatchProgressDisplay implements BatchListener, AutoCloseable
        permits BatchProgressDisplay.Live, BatchProgressDisplay.Plain {

    protected final PrintWriter out;
    protected final Terminal terminal;
    protected volatile @Nullable BatchHandle handle;

    BatchProgressDisplay(PrintWriter out, Terminal terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    static BatchProgressDisplay create(PrintWriter out, Terminal terminal) {
        return terminal.interactive() ? new Live(out, terminal) : new Plain(out, terminal);
    }

    /** Starts showing the batch's progress. */
    void follow(BatchHandle batch) {
        this.handle = batch;
    }

    @Override
    public void close() {}

    /** {@code 412/1000 rows: 405 ok, 7 failed, 8 running, 580 pending · $4.12 of $50.00 · 3.1 rows/s · ETA 3m12s}. */
    static String line(BatchProgress p) {
        StringBuilder sb = new StringBuilder();
        long done = p.succeeded() + p.failed() + p.budget() + p.interrupted();
        sb.append(done).append('/').append(p.rows()).append(" rows: ").append(p.succeeded()).append(" ok");
        if (p.failed() > 0) {
            sb.append(", ").append(p.failed()).append(" failed");
        }
        if (p.budget() > 0) {
            sb.append(", ").append(p.budget()).append(" over budget");
        }
        sb.append(", ").append(p.running()).append(" running, ").append(p.pending()).append(" pending");
        sb.append(" · ").append(Money.format(p.spent()));
        if (p.limit() != null) {
            sb.append(" of ").append(Money.format(p.limit()));
        }
        sb.append(" spent");
        if (p.finishedThisSession() > 0) {
            sb.append(" · ").append(String.format(Locale.ROOT, "%.1f", p.throughput())).append(" rows/s");
            Duration eta = p.eta();
            if (eta != null && p.pending() + p.running() > 0) {
                sb.append(" · ETA ").append(duration(eta));
            }
        }
        return sb.toString();
    }

    static String duration(Duration d) {
        long s = d.toSeconds();
        return s >= 3600 ? s / 3600 + "h" + String.format(Locale.ROOT, "%02dm", s % 3600 / 60)
                : s >= 60 ? s / 60 + "m" + String.format(Locale.ROOT, "%02ds", s % 60) : s + "s";
    }

    protected String rowLine(RowOutcome o) {
        String what = switch (o.status()) {
            case FAILED -> terminal.red("✗") + " row '" + o.row().id() + "' failed";
            case BUDGET -> terminal.yellow("-") + " row '" + o.row().id() + "' stopped by a limit";
            case INTERRUPTED, RUNNING, PENDING -> terminal.yellow("■") + " row '" + o.row().id() + "' interrupted";
            case SUCCEEDED -> terminal.green("✓") + " row '" + o.row().id() + "'";
        };
        return what + " (line " + o.row().line() + ")" + (o.error() == null ? "" : ": " + o.error());
    }

    /** One line redrawn in place every quarter second. */
    static final class Live extends BatchProgressDisplay {
        private final Thread painter;
        private volatile boolean closed;

        Live(PrintWriter out, Terminal terminal) {
            super(out, terminal);
            this.painter = Thread.ofVirtual().name("acp-batch-progress").unstarted(this::paint);
        }

        @Override
        void follow(BatchHandle batch) {
            super.follow(batch);
            painter.start();
        }

        private void paint() {
            while (!closed) {
                redraw(null);
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private void redraw(@Nullable String above) {
            BatchHandle h = handle;
            synchronized (out) {
                out.print("\r\033[K");
                if (above != null) {
                    out.println(above);
                }
                if (h != null && !closed) {
                    String l = line(h.progress());
                    // Cut as the pipeline display cuts (escape codes take no room), so it never wraps.
                    out.print(ProgressDisplay.fit(l, terminal.width(), terminal.color()));
                }
                out.flush();
            }
        }

        @Override
        public void rowFinished(RowOutcome o) {
            if (o.status() != RowStatus.SUCCEEDED) {
                redraw(rowLine(o));
            }
        }

        @Override
        public void close() {
            closed = true;
            painter.interrupt();
            try {
                painter.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (out) {
                out.print("\r\033[K");
                out.flush();
            }
        }
    }

    /** Log lines: each row that did not succeed, and the progress at every tenth of the rows. */
    static final class Plain extends BatchProgressDisplay {
        private final AtomicLong finished = new AtomicLong();

        Plain(PrintWriter out, Terminal terminal) {
            super(out, terminal);
        }

        @Override
        public void rowFinished(RowOutcome o) {
            if (o.status() != RowStatus.SUCCEEDED) {
                out.println("acp: " + rowLine(o));
            }
            long n = finished.incrementAndGet();
            BatchHandle h = handle;
            if (h != null) {
                BatchProgress p = h.progress();
                long step = Math.max(1, p.rows() / 10);
                if (n % step == 0) {
                    out.println("acp: batch " + h.batchId() + ": " + line(p));
                }
            }
        }
    }
}
