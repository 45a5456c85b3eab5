package dev.acp.cli;

import dev.acp.env.Secrets;
import java.io.IOException;
import java.io.Writer;

/**
 * A writer that masks secret values in everything passing through it. Text is held until a line
 * ends or the writer is flushed, so that a secret split across two writes is still caught.
 */
final class RedactingWriter extends Writer {
    private final Writer out;
    private final Secrets secrets;
    private final StringBuilder pending = new StringBuilder();

    RedactingWriter(Writer out, Secrets secrets) {
        this.out = out;
        this.secrets = secrets;
    }

    @Override
    public synchronized void write(char[] buf, int off, int len) throws IOException {
        pending.append(buf, off, len);
        int nl = pending.lastIndexOf("\n");
        if (nl >= 0) {
            out.write(secrets.redact(pending.substring(0, nl + 1)));
            pending.delete(0, nl + 1);
        }
    }

    @Override
    public synchronized void flush() throws IOException {
        if (!pending.isEmpty()) {
            out.write(secrets.redact(pending.toString()));
            pending.setLength(0);
        }
        out.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        flush();
        out.close();
    }
}
