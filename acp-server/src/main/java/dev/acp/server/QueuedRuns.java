package dev.acp.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The runs accepted but not started yet, one small file each under
 * {@code ACP_HOME/server/queued}, so that a server that stops (or crashes) does not lose a run it
 * answered 201 to: the next start queues them again, in the order they came. A record is removed
 * once its run has a run folder (from then on the journal holds it) or it is cancelled or
 * refused; a record whose run has a folder already is stale (the server stopped between the two)
 * and is never started twice.
 */
final class QueuedRuns {
    /**
     * What a queued run needs to start: a new run of {@code pipelineFile}, or a resume
     * ({@code pipelineFile} null) of the run with this id.
     */
    record Request(
            String runId,
            @Nullable Path pipelineFile,
            Map<String, String> inputs,
            boolean offline,
            boolean parallel,
            @Nullable BigDecimal costLimit,
            boolean confirm,
            Instant submittedAt) {
        Request {
            Objects.requireNonNull(runId, "runId");
            inputs = Map.copyOf(inputs);
        }

        static Request resume(String runId, Instant at) {
            return new Request(runId, null, Map.of(), false, false, null, false, at);
        }

        boolean isResume() {
            return pipelineFile == null;
        }
    }

    private final Path folder;
    private final ObjectMapper json;
    private final Consumer<String> log;

    QueuedRuns(Path folder, ObjectMapper json, Consumer<String> log) {
        this.folder = folder;
        this.json = json;
        this.log = log;
    }

    /** Records {@code r} before it is queued: written whole (a temporary file, then a rename) or not at all. */
    void save(Request r) throws IOException {
        Files.createDirectories(folder);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_id", r.runId());
        m.put("pipeline_file", r.pipelineFile() == null ? null : r.pipelineFile().toString());
        m.put("inputs", r.inputs());
        m.put("offline", r.offline());
        m.put("parallel", r.parallel());
        m.put("cost_limit", r.costLimit());
        m.put("confirm", r.confirm());
        m.put("submitted_at", r.submittedAt().toString());
        Path tmp = folder.resolve("." + r.runId() + ".tmp");
        Files.writeString(tmp, json.writeValueAsString(m), StandardCharsets.UTF_8);
        try {
            Files.move(tmp, file(r.runId()), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file(r.runId()), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Forgets {@code runId}: it started (its journal holds it now), was cancelled or refused. */
    void remove(String runId) {
        try {
            Files.deleteIfExists(file(runId));
        } catch (IOException e) {
            log.accept("cannot remove the queued record of run " + runId + " (" + e.getMessage() + "); delete "
                    + file(runId) + ", or the next start queues the run again");
        }
    }

    /** Every record, oldest first; unreadable ones are named in the log and left where they are. */
    List<Request> load() throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        List<Request> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList()) {
                try {
                    out.add(read(json.readTree(f.toFile())));
                } catch (IOException | RuntimeException e) {
                    log.accept("cannot read the queued run " + f + " (" + e.getMessage() + "); it is not started;"
                            + " delete the file to drop it");
                }
            }
        }
        out.sort(Comparator.comparing(Request::submittedAt).thenComparing(Request::runId));
        return out;
    }

    private static Request read(JsonNode n) {
        Map<String, String> inputs = new LinkedHashMap<>();
        n.path("inputs").fields().forEachRemaining(e -> inputs.put(e.getKey(), e.getValue().asText()));
        JsonNode file = n.get("pipeline_file");
        JsonNode limit = n.get("cost_limit");
        String id = n.path("run_id").asText();
        if (id.isEmpty()) {
            throw new IllegalArgumentException("it names no run");
        }
        return new Request(id, file == null || file.isNull() ? null : Path.of(file.asText()), inputs,
                n.path("offline").asBoolean(), n.path("parallel").asBoolean(),
                limit == null || limit.isNull() ? null : limit.decimalValue(), n.path("confirm").asBoolean(),
                Instant.parse(n.path("submitted_at").asText()));
    }

    private Path file(String runId) {
        return folder.resolve(runId + ".json");
    }
}
