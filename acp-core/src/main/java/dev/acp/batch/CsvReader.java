package dev.acp.batch;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Reads CSV records one at a time as RFC 4180 defines them: fields separated by commas, records
 * by CRLF or LF (a lone CR too), a field in double quotes may hold commas, line breaks and
 * doubled quotes ({@code ""} for one). A byte order mark at the start is dropped. Lines that are
 * empty (or only spaces) between records are skipped, so a trailing blank line is no record.
 * Nothing but the current record is held, however long the file.
 *
 * <p>Each record says on which line of the file it starts, for error messages; a quoted field
 * with line breaks makes a record span several lines.
 */
final class CsvReader implements AutoCloseable {
    /** One record: its fields, the line it starts on, and what was wrong with its syntax, if anything. */
    record Record(long line, List<String> fields, @Nullable String problem) {}

    private final Reader in;
    private long line = 1;
    private int peeked = -2;
    private boolean started;

    CsvReader(Reader in) {
        this.in = in;
    }

    /** The next record, or null at the end of the input. */
    @Nullable Record next() throws IOException {
        skipBlankLines();
        if (peek() < 0) {
            return null;
        }
        long start = line;
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        String problem = null;
        while (true) {
            int c = read();
            if (c == '"' && field.isEmpty()) {
                problem = quoted(field, start, problem);
                continue;
            }
            if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else if (c < 0 || c == '\n' || c == '\r') {
                if (c == '\r' && peek() == '\n') {
                    read();
                }
                if (c >= 0) {
                    line++;
                }
                fields.add(field.toString());
                return new Record(start, fields, problem);
            } else {
                field.append((char) c);
            }
        }
    }

    /** A quoted field up to its closing quote; text after the closing quote is kept and reported. */
    private @Nullable String quoted(StringBuilder field, long start, @Nullable String problem) throws IOException {
        while (true) {
            int c = read();
            if (c < 0) {
                return "a quoted field opened on line " + start + " is never closed";
            }
            if (c == '"') {
                if (peek() == '"') {
                    read();
                    field.append('"');
                    continue;
                }
                int after = peek();
                if (after >= 0 && after != ',' && after != '\n' && after != '\r' && problem == null) {
                    return "text follows a closing quote on line " + line;
                }
                return problem;
            }
            if (c == '\n' || c == '\r' && peek() != '\n') {
                line++;
            }
            field.append((char) c);
        }
    }

    private void skipBlankLines() throws IOException {
        while (true) {
            int c = peek();
            if (c == '\n' || c == '\r') {
                read();
                if (c == '\r' && peek() == '\n') {
                    read();
                }
                line++;
            } else if (c == ' ' || c == '\t') {
                // Only spaces up to the end of the line make a blank line; anything else is a record.
                StringBuilder spaces = new StringBuilder();
                while (peek() == ' ' || peek() == '\t') {
                    spaces.append((char) read());
                }
                if (peek() >= 0 && peek() != '\n' && peek() != '\r') {
                    pushBack(spaces);
                    return;
                }
            } else {
                return;
            }
        }
    }

    private @Nullable StringBuilder pending;

    /** Returns spaces read while looking for a blank line to the front of the input. */
    private void pushBack(StringBuilder spaces) {
        pending = spaces;
    }

    private int peek() throws IOException {
        if (pending != null && !pending.isEmpty()) {
            return pending.charAt(0);
        }
        if (peeked == -2) {
            peeked = in.read();
            if (!started) {
                started = true;
                if (peeked == '\uFEFF') {
                    peeked = in.read();
                }
            }
        }
        return peeked;
    }

    private int read() throws IOException {
        if (pending != null && !pending.isEmpty()) {
            char c = pending.charAt(0);
            pending.deleteCharAt(0);
            return c;
        }
        int c = peek();
        peeked = -2;
        return c;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
