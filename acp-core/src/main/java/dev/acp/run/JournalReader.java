package dev.acp.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a journal back. Every line is checked on its own: a damaged line is skipped with a
 * warning (the records after it still count, so no job handle is lost), and a torn last line
 * (the process was killed while writing it) is ignored.
 */
public final class JournalReader {
    private JournalReader() {}

    /** The records and what was wrong with the file. */
    public record Contents(List<JournalRecord> records, List<String> warnings) {
        public Contents {
            records = List.copyOf(records);
            warnings = List.copyOf(warnings);
        }
    }

    public static Contents read(Path file) throws IOException {
        JournalCodec codec = new JournalCodec();
        List<JournalRecord> records = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        if (!Files.exists(file)) {
            return new Contents(records, List.of("the journal " + file + " is missing"));
        }
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, StandardCharsets.UTF_8);
        boolean endsWithNewline = text.endsWith("\n");
        String[] lines = text.split("\n", -1);
        int count = endsWithNewline ? lines.length - 1 : lines.length;
        for (int i = 0; i < count; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                continue;
            }
            JournalRecord r = codec.decode(line);
            boolean last = i == count - 1;
            if (r != null) {
                records.add(r);
            } else if (last && !endsWithNewline) {
                warnings.add(file + ":" + (i + 1) + ": the last record was cut off (the process stopped while"
                        + " writing it); it is ignored");
            } else {
                warnings.add(file + ":" + (i + 1) + ": a damaged record was skipped");
            }
        }
        return new Contents(records, warnings);
    }
}
