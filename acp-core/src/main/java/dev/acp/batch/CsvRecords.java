package dev.acp.batch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The records of a CSV file (RFC 4180, UTF-8 with or without a byte order mark), one at a time,
 * each with the line it starts on: the batch reader's parser for other modules that read tables
 * of their own (the content index's items), so that there is one reading of CSV in ACP.
 */
public final class CsvRecords implements AutoCloseable {

    /**
     * One record.
     *
     * @param line the line of the file the record starts on, from 1
     * @param fields the record's fields, unquoted
     * @param problem what is wrong with its syntax (an unclosed quote, text after a closing quote),
     *     or null
     */
    public record Record(long line, List<String> fields, @Nullable String problem) {
        public Record {
            fields = List.copyOf(fields);
        }
    }

    private final CsvReader reader;

    private CsvRecords(CsvReader reader) {
        this.reader = reader;
    }

    /**
     * Opens {@code file}; malformed UTF-8 makes {@link #next()} throw
     * {@link java.nio.charset.CharacterCodingException} rather than change the text.
     */
    public static CsvRecords open(Path file) throws IOException {
        BufferedReader text = new BufferedReader(new InputStreamReader(Files.newInputStream(file),
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)), 1 << 16);
        return new CsvRecords(new CsvReader(text));
    }

    /** The next record, or null at the end of the file. Blank lines between records are skipped. */
    public @Nullable Record next() throws IOException {
        CsvReader.Record r = reader.next();
        return r == null ? null : new Record(r.line(), r.fields(), r.problem());
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
