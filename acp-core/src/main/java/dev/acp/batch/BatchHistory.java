package dev.acp.batch;

import dev.acp.run.JournalReader;
import dev.acp.run.RunHistory;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a batch's earlier sessions did, read from its journal: the offset of each row's latest
 * record (the record itself is read when needed, so a batch of 100,000 rows costs an offset per
 * row here, not its results), and the settings of the latest session.
 */
final class BatchHistory {
    private final Path journal;
    private final Map<String, Long> latest;
    private final List<String> warnings;
    private final BatchRecord.@Nullable SessionStarted lastSession;
    private final int sessions;

    private BatchHistory(Path journal, Map<String, Long> latest, List<String> warnings,
            BatchRecord.@Nullable SessionStarted lastSession, int sessions) {
        this.journal = journal;
        this.latest = latest;
        this.warnings = warnings;
        this.lastSession = lastSession;
        this.sessions = sessions;
    }

    static BatchHistory read(Path journal) throws IOException {
        Map<String, Long> latest = new HashMap<>();
        List<String> warnings = new ArrayList<>();
        BatchRecord.SessionStarted[] last = {null};
        int[] sessions = {0};
        BatchJournal.read(journal, (offset, r) -> {
            switch (r) {
                case BatchRecord.RowStarted s -> latest.put(s.row(), offset);
                case BatchRecord.RowFinished f -> latest.put(f.row(), offset);
                case BatchRecord.SessionStarted s -> {
                    last[0] = s;
                    sessions[0]++;
                }
                case BatchRecord.SessionEnded e -> { }
            }
        }, warnings::add);
        return new BatchHistory(journal, latest, warnings, last[0], sessions[0]);
    }

    /** Row id to the offset of its latest record; a mutable copy the session goes on updating. */
    Map<String, Long> latestOffsets() {
        return new HashMap<>(latest);
    }

    List<String> warnings() {
        return warnings;
    }

    BatchRecord.@Nullable SessionStarted lastSession() {
        return lastSession;
    }

    int sessions() {
        return sessions;
    }

    /** A row as its latest record leaves it. */
    record RowState(RowStatus status, BigDecimal settled, String runId, long line, @Nullable String error) {}

    /**
     * Each row's state after the earlier sessions: a row last seen starting was running when its
     * process died; what it spent is read from its run's own journal.
     *
     * @param runs the batch's runs folder
     */
    Map<String, RowState> states(Path runs) throws IOException {
        Map<String, RowState> out = new HashMap<>();
        try (BatchJournal.At at = new BatchJournal.At(journal)) {
            for (var e : latest.entrySet()) {
                switch (at.read(e.getValue())) {
                    case BatchRecord.RowFinished f -> out.put(e.getKey(), new RowState(
                            RowStatus.fromWireName(f.status()).orElse(RowStatus.FAILED), f.settled(), f.runId(),
                            f.line(), f.error()));
                    case BatchRecord.RowStarted s -> out.put(e.getKey(), new RowState(RowStatus.RUNNING,
                            spentByRun(runs.resolve(s.runId())), s.runId(), s.line(), null));
                    case BatchRecord.SessionStarted s -> { }
                    case BatchRecord.SessionEnded s -> { }
                }
            }
        }
        return out;
    }

    /** What a run spent over its sessions, each job once, from its journal; zero when it never started. */
    static BigDecimal spentByRun(Path runFolder) throws IOException {
        Path file = runFolder.resolve("journal.jsonl");
        if (!Files.isRegularFile(file)) {
            return BigDecimal.ZERO;
        }
        return RunHistory.of(JournalReader.read(file).records()).spent();
    }
}
