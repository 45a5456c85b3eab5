package dev.acp.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * A response body that fails when no byte arrives for {@code limit}. The JDK client's request
 * timeout ends with the response headers; a server (or a proxy) that stops sending in the middle
 * of a body would otherwise block the reading thread for ever, and with it the step and the run.
 *
 * <p>A watchdog (one virtual thread per body, asleep nearly all the time) closes the body once it
 * has been idle for {@code limit}; the JDK's body stream then wakes its blocked reader, whose
 * read fails with {@link Stalled}. Real time, not the transport's injected clock: it measures the
 * network, and a test's recorded sleeps must not make it spin.
 */
final class StallGuard extends FilterInputStream {
    /** The body stopped arriving; an {@link HttpTimeoutException}, so it is classified as a timeout. */
    static final class Stalled extends HttpTimeoutException {
        Stalled(Duration limit) {
            super("no data arrived for " + seconds(limit) + " s in the middle of the answer");
        }

        private static String seconds(Duration d) {
            return d.toMillis() % 1000 == 0 ? String.valueOf(d.toSeconds())
                    : java.math.BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros().toPlainString();
        }
    }

    private final long limitNanos;
    private final Duration limit;
    private final Thread watchdog;
    private volatile long lastProgress = System.nanoTime();
    private volatile boolean stalled;
    private volatile boolean done;

    private StallGuard(InputStream body, Duration limit) {
        super(body);
        this.limit = limit;
        this.limitNanos = limit.toNanos();
        this.watchdog = Thread.ofVirtual().name("acp-http-stall-guard").unstarted(this::watch);
    }

    /** {@code body}, failing once no byte has arrived for {@code limit}. Close it when done. */
    static StallGuard of(InputStream body, Duration limit) {
        StallGuard g = new StallGuard(body, limit);
        g.watchdog.start();
        return g;
    }

    private void watch() {
        while (!done) {
            long idle = System.nanoTime() - lastProgress;
            if (idle >= limitNanos) {
                stalled = true;
                try {
                    in.close();
                } catch (IOException e) {
                    // Closing is how the reader is woken; a failure to close changes nothing here.
                }
                return;
            }
            LockSupport.parkNanos(limitNanos - idle);
        }
    }

    @Override
    public int read() throws IOException {
        try {
            int b = super.read();
            lastProgress = System.nanoTime();
            return b;
        } catch (IOException e) {
            throw translated(e);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            int n = super.read(b, off, len);
            lastProgress = System.nanoTime();
            return n;
        } catch (IOException e) {
            throw translated(e);
        }
    }

    private IOException translated(IOException e) {
        if (!stalled) {
            return e;
        }
        Stalled s = new Stalled(limit);
        s.initCause(e);
        return s;
    }

    @Override
    public void close() throws IOException {
        done = true;
        LockSupport.unpark(watchdog);
        super.close();
    }
}
