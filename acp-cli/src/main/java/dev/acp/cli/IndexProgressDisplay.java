package dev.acp.cli;

import dev.acp.content.items.ItemIndexer;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Locale;

/**
 * Shows items being embedded and indexed, on stderr: on an interactive terminal a bar redrawn in
 * place ({@code [#########-----------] 412/1000 items · 96 items/s · ETA 6s}); when output is
 * redirected, a line at every tenth of the items, so logs stay short.
 */
final class IndexProgressDisplay implements ItemIndexer.Progress, AutoCloseable {
    private static final int BAR = 24;

    private final PrintWriter err;
    private final Terminal terminal;
    private final Clock clock;
    private final long started;
    private long lastTenth = -1;
    private boolean drawn;

    IndexProgressDisplay(PrintWriter err, Terminal terminal, Clock clock) {
        this.err = err;
        this.terminal = terminal;
        this.clock = clock;
        this.started = clock.millis();
    }

    @Override
    public void indexed(long done, long total) {
        String line = line(done, total, clock.millis() - started);
        if (terminal.interactive()) {
            err.print("\r\033[K" + ProgressDisplay.fit(line, terminal.width(), terminal.color()));
            err.flush();
            drawn = true;
        } else {
            long tenth = total == 0 ? 10 : done * 10 / total;
            if (tenth != lastTenth) {
                lastTenth = tenth;
                err.println("acp: " + line);
            }
        }
    }

    static String line(long done, long total, long elapsedMillis) {
        int filled = total == 0 ? BAR : (int) (BAR * done / total);
        StringBuilder sb = new StringBuilder("[");
        sb.append("#".repeat(filled)).append("-".repeat(BAR - filled)).append("] ");
        sb.append(done).append('/').append(total).append(" items");
        if (elapsedMillis > 0 && done > 0) {
            double rate = done * 1000.0 / elapsedMillis;
            sb.append(String.format(Locale.ROOT, " · %.0f items/s", rate));
            if (done < total) {
                sb.append(" · ETA ").append(BatchProgressDisplay.duration(java.time.Duration.ofSeconds(
                        (long) Math.ceil((total - done) / rate))));
            }
        }
        return sb.toString();
    }

    /** Clears the bar, so the command's result starts on a clean line. */
    @Override
    public void close() {
        if (drawn) {
            err.print("\r\033[K");
            err.flush();
        }
    }
}
