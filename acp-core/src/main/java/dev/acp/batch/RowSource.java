package dev.acp.batch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The rows of an inputs file, read one at a time (a file of 100,000 rows never sits in memory):
 * CSV with a header row ({@code .csv}) or JSON Lines ({@code .jsonl}, {@code .ndjson}), UTF-8 with
 * or without a byte order mark. The file's SHA-256 is computed on the way, so that a resumed batch
 * can tell whether the file changed.
 */
sealed interface RowSource extends AutoCloseable permits CsvRows, JsonLinesRows {

    /** The next row, or null at the end of the file. */
    @Nullable RawRow next() throws IOException;

    /** The columns named by a CSV header; null for JSON Lines, whose rows each name their own. */
    @Nullable List<String> columns();

    /** What is wrong with the header (line 1), each with its fix; empty for JSON Lines. */
    List<RawRow.Issue> headerIssues();

    /** The SHA-256 of the whole file; call it once {@link #next()} returned null. */
    String sha256();

    @Override
    void close() throws IOException;

    /** How an inputs file is read, by its extension. */
    enum Format {
        CSV,
        JSON_LINES;

        /** The format of {@code file}, or null when its extension names none. */
        static @Nullable Format of(Path file) {
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".csv")) {
                return CSV;
            }
            if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
                return JSON_LINES;
            }
            return null;
        }
    }

    /**
     * Opens {@code file} in the format its extension names.
     *
     * @throws java.nio.charset.CharacterCodingException from {@link #next()} when the file is not UTF-8
     */
    static RowSource open(Path file, Format format) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
        InputStream bytes = new DigestInputStream(Files.newInputStream(file), digest);
        // Malformed UTF-8 is an error to report, never a row quietly changed by replacement characters.
        BufferedReader text = new BufferedReader(new InputStreamReader(bytes, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)), 1 << 16);
        Sha256 sha = new Sha256(digest);
        return switch (format) {
            case CSV -> CsvRows.open(new CsvReader(text), sha);
            case JSON_LINES -> new JsonLinesRows(text, sha);
        };
    }

    /** The SHA-256 of the bytes read through a stream, taken once the stream is read to its end. */
    final class Sha256 {
        private final MessageDigest digest;
        private @Nullable String hex;

        Sha256(MessageDigest digest) {
            this.digest = digest;
        }

        String hex() {
            if (hex == null) {
                hex = HexFormat.of().formatHex(digest.digest());
            }
            return hex;
        }
    }
}
