package dev.acp.run;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.acp.cache.SideObject;
import dev.acp.engine.CacheInfo;
import dev.acp.engine.ErrorInfo;
import dev.acp.engine.Settlement;
import dev.acp.engine.StepResult;
import dev.acp.engine.StepStatus;
import dev.acp.engine.WrittenSideFile;
import dev.acp.env.Secrets;
import dev.acp.error.ErrorKind;
import dev.acp.provider.JobHandle;
import dev.acp.util.JsonMappers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.jspecify.annotations.Nullable;

/**
 * The journal's line format: {@code <crc32 as 8 hex digits> <JSON>\n}. The checksum covers the
 * JSON text, so a torn or damaged line is recognised and skipped instead of being misread.
 */
final class JournalCodec {
    // Shared: a codec is made per journal, that is per row of a batch; the mapper is never reconfigured.
    private static final ObjectMapper JSON = JsonMappers.objectMapper();
    private final Secrets secrets;

    JournalCodec() {
        this(Secrets.none());
    }

    /** @param secrets masked in every encoded record */
    JournalCodec(Secrets secrets) {
        this.secrets = secrets;
    }

    /** One line, with its trailing newline. */
    byte[] encode(JournalRecord r) {
        try {
            ByteArrayOutputStream body = new ByteArrayOutputStream(256);
            try (JsonGenerator g = JSON.getFactory().createGenerator(body)) {
                write(g, r);
            }
            byte[] bytes = body.toByteArray();
            if (!secrets.isEmpty()) {
                String text = body.toString(StandardCharsets.UTF_8);
                String masked = secrets.redact(text);
                if (!masked.equals(text)) {
                    bytes = masked.getBytes(StandardCharsets.UTF_8);
                }
            }
            CRC32 crc = new CRC32();
            crc.update(bytes);
            byte[] line = new byte[9 + bytes.length + 1];
            byte[] hex = HexFormat.of().toHexDigits((int) crc.getValue()).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(hex, 0, line, 0, 8);
            line[8] = ' ';
            System.arraycopy(bytes, 0, line, 9, bytes.length);
            line[line.length - 1] = '\n';
            return line;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write a journal record: " + e.getMessage(), e);
        }
    }

    /**
     * Writes a record field by field: the journal's hot path (a record per step), so no
     * intermediate maps. Field names and meaning match {@link #fromMap}.
     */
    private void write(JsonGenerator g, JournalRecord r) throws IOException {
        g.writeStartObject();
        switch (r) {
            case JournalRecord.RunStarted s -> {
                g.writeStringField("type", "run_started");
                g.writeStringField("run_id", s.runId());
                g.writeStringField("pipeline_name", s.pipelineName());
                g.writeStringField("pipeline_sha256", s.pipelineSha256());
            }
            case JournalRecord.RunResumed s -> {
                g.writeStringField("type", "run_resumed");
                g.writeStringField("pipeline_sha256", s.pipelineSha256());
                g.writeArrayFieldStart("changed_steps");
                for (String c : s.changedSteps()) {
                    g.writeString(c);
                }
                g.writeEndArray();
            }
            case JournalRecord.StepStarted s -> {
                g.writeStringField("type", "step_started");
                g.writeStringField("step", s.step());
                g.writeNumberField("attempt", s.attempt());
            }
            case JournalRecord.JobSubmitting s -> {
                g.writeStringField("type", "job_submitting");
                g.writeStringField("step", s.step());
                g.writeNumberField("attempt", s.attempt());
                g.writeStringField("key", s.idempotencyKey());
            }
            case JournalRecord.CallSending s -> {
                g.writeStringField("type", "call_sending");
                g.writeStringField("step", s.step());
                g.writeNumberField("attempt", s.attempt());
                g.writeStringField("key", s.key());
                g.writeStringField("provider", s.provider());
            }
            case JournalRecord.CallAnswered s -> {
                g.writeStringField("type", "call_answered");
                g.writeStringField("step", s.step());
                g.writeNumberField("attempt", s.attempt());
                g.writeStringField("key", s.key());
            }
            case JournalRecord.JobSubmitted s -> {
                g.writeStringField("type", "job_submitted");
                g.writeStringField("step", s.step());
                g.writeNumberField("attempt", s.attempt());
                g.writeStringField("key", s.idempotencyKey());
                g.writeObjectFieldStart("handle");
                g.writeStringField("provider", s.handle().provider());
                g.writeStringField("id", s.handle().id());
                g.writeFieldName("data");
                writePlain(g, s.handle().data());
                g.writeEndObject();
            }
            case JournalRecord.OutputWritten s -> {
                g.writeStringField("type", "output_written");
                g.writeStringField("step", s.step());
                g.writeStringField("path", s.path());
                g.writeStringField("sha256", s.sha256());
                g.writeNumberField("size", s.size());
                if (s.fingerprint() != null) {
                    g.writeStringField("fingerprint", s.fingerprint());
                }
                if (s.cost() != null) {
                    writeCost(g, s.cost());
                }
                if (!s.sideFiles().isEmpty()) {
                    g.writeArrayFieldStart("side_files");
                    for (WrittenSideFile f : s.sideFiles()) {
                        g.writeStartObject();
                        g.writeStringField("path", f.path().toString());
                        g.writeStringField("suffix", f.content().suffix());
                        g.writeStringField("sha256", f.content().sha256());
                        g.writeBooleanField("folder", f.content().folder());
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                }
            }
            case JournalRecord.CostSettled s -> {
                g.writeStringField("type", "cost_settled");
                g.writeStringField("step", s.step());
                writeCost(g, s.cost());
            }
            case JournalRecord.StepFinished s -> {
                g.writeStringField("type", "step_finished");
                g.writeFieldName("result");
                writeResult(g, s.result());
            }
            case JournalRecord.FallbackSwitched s -> {
                g.writeStringField("type", "fallback_switched");
                g.writeStringField("step", s.step());
                g.writeNumberField("attempt", s.attempt());
                g.writeNumberField("index", s.index());
                g.writeStringField("from_provider", s.fromProvider());
                g.writeStringField("from_model", s.fromModel());
                g.writeStringField("provider", s.provider());
                g.writeStringField("model", s.model());
                g.writeStringField("error_kind", s.errorKind());
                g.writeStringField("error", s.error());
                if (s.cost() != null) {
                    g.writeStringField("cost", s.cost().toPlainString());
                }
            }
            case JournalRecord.Expanded s -> {
                g.writeStringField("type", "expanded");
                g.writeStringField("step", s.step());
                g.writeNumberField("items", s.items());
                g.writeStringField("items_sha256", s.itemsSha256());
            }
            case JournalRecord.RunFinished s -> {
                g.writeStringField("type", "run_finished");
                g.writeStringField("status", s.status());
            }
        }
        g.writeStringField("at", r.at().toString());
        g.writeEndObject();
    }

    /**
     * Writes plain values (maps, lists, strings, numbers, booleans) without data binding, which
     * looks up a serializer for every value and was the journal's largest cost per step.
     */
    private static void writePlain(JsonGenerator g, @Nullable Object v) throws IOException {
        switch (v) {
            case null -> g.writeNull();
            case String str -> g.writeString(str);
            case Integer i -> g.writeNumber(i);
            case Long l -> g.writeNumber(l);
            case Double d -> g.writeNumber(d);
            case Float f -> g.writeNumber(f);
            case BigDecimal d -> g.writeNumber(d);
            case java.math.BigInteger b -> g.writeNumber(b);
            case Boolean b -> g.writeBoolean(b);
            case Map<?, ?> m -> {
                g.writeStartObject();
                for (var e : m.entrySet()) {
                    g.writeFieldName(String.valueOf(e.getKey()));
                    writePlain(g, e.getValue());
                }
                g.writeEndObject();
            }
            case Iterable<?> it -> {
                g.writeStartArray();
                for (Object o : it) {
                    writePlain(g, o);
                }
                g.writeEndArray();
            }
            default -> g.writeString(v.toString());
        }
    }

    private static void writeResult(JsonGenerator g, StepResult r) throws IOException {
        g.writeStartObject();
        g.writeStringField("step_id", r.stepId());
        g.writeStringField("step_type", r.stepType());
        g.writeStringField("group_id", r.groupId());
        g.writeStringField("provider", r.provider());
        g.writeStringField("model", r.model());
        g.writeStringField("status", r.status().name());
        g.writeStringField("output_path", r.outputPath() == null ? null : r.outputPath().toString());
        g.writeStringField("text", r.text());
        if (!r.metadata().isEmpty()) {
            g.writeFieldName("metadata");
            writePlain(g, r.metadata());
        }
        if (r.error() != null) {
            g.writeObjectFieldStart("error");
            g.writeStringField("kind", r.error().kind().name());
            g.writeStringField("message", r.error().message());
            g.writeStringField("request_id", r.error().requestId() == null ? "" : r.error().requestId());
            g.writeEndObject();
        }
        g.writeStringField("reason", r.reason());
        g.writeStringField("started_at", r.startedAt() == null ? null : r.startedAt().toString());
        g.writeNumberField("execution_ms", r.executionTime().toMillis());
        g.writeNumberField("attempts", r.attempts());
        g.writeStringField("estimated_cost", r.estimatedCost() == null ? null : r.estimatedCost().toPlainString());
        g.writeStringField("actual_cost", r.actualCost() == null ? null : r.actualCost().toPlainString());
        if (r.cache() != null) {
            g.writeObjectFieldStart("cache");
            g.writeStringField("status", r.cache().status().name());
            g.writeStringField("key", r.cache().key());
            g.writeStringField("reason", r.cache().reason());
            g.writeStringField("saving", r.cache().saving() == null ? null : r.cache().saving().toPlainString());
            g.writeBooleanField("deterministic", r.cache().deterministic());
            g.writeEndObject();
        }
        g.writeBooleanField("preview", r.preview());
        if (r.qualityScore() != null) {
            g.writeNumberField("quality_score", r.qualityScore());
        }
        if (!r.requestIds().isEmpty()) {
            g.writeArrayFieldStart("request_ids");
            for (String id : r.requestIds()) {
                g.writeString(id);
            }
            g.writeEndArray();
        }
        if (!r.sideFiles().isEmpty()) {
            g.writeArrayFieldStart("side_files");
            for (Path p : r.sideFiles()) {
                g.writeString(p.toString());
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    /** The record of a line (without its newline), or null when the line is damaged. */
    @Nullable JournalRecord decode(String line) {
        if (line.length() < 10 || line.charAt(8) != ' ') {
            return null;
        }
        String body = line.substring(9);
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.UTF_8));
        long expected;
        try {
            expected = HexFormat.fromHexDigits(line, 0, 8) & 0xffffffffL;
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (crc.getValue() != expected) {
            return null;
        }
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = JSON.readValue(body, Map.class);
            return fromMap(m);
        } catch (JsonProcessingException | RuntimeException e) {
            return null;
        }
    }

    private static void writeCost(JsonGenerator g, Settlement cost) throws IOException {
        g.writeStringField("amount", cost.amount().toPlainString());
        g.writeStringField("source", cost.source());
        if (cost.job() != null) {
            g.writeStringField("job", cost.job());
        }
    }

    private static @Nullable Settlement cost(Map<String, Object> m) {
        return m.get("amount") == null ? null
                : new Settlement(new BigDecimal(str(m, "amount")), str(m, "source"), (String) m.get("job"));
    }

    @SuppressWarnings("unchecked")
    private static JournalRecord fromMap(Map<String, Object> m) {
        Instant at = Instant.parse((String) m.get("at"));
        String type = (String) m.get("type");
        return switch (type) {
            case "run_started" -> new JournalRecord.RunStarted(str(m, "run_id"), str(m, "pipeline_name"),
                    str(m, "pipeline_sha256"), at);
            case "run_resumed" -> new JournalRecord.RunResumed(str(m, "pipeline_sha256"),
                    (List<String>) m.getOrDefault("changed_steps", List.of()), at);
            case "step_started" -> new JournalRecord.StepStarted(str(m, "step"), num(m, "attempt").intValue(), at);
            case "job_submitting" -> new JournalRecord.JobSubmitting(str(m, "step"), num(m, "attempt").intValue(),
                    str(m, "key"), at);
            case "call_sending" -> new JournalRecord.CallSending(str(m, "step"), num(m, "attempt").intValue(),
                    str(m, "key"), str(m, "provider"), at);
            case "call_answered" -> new JournalRecord.CallAnswered(str(m, "step"), num(m, "attempt").intValue(),
                    str(m, "key"), at);
            case "job_submitted" -> {
                Map<String, Object> h = (Map<String, Object>) m.get("handle");
                JobHandle handle = new JobHandle(str(h, "provider"), str(h, "id"),
                        (Map<String, String>) h.getOrDefault("data", Map.of()));
                yield new JournalRecord.JobSubmitted(str(m, "step"), num(m, "attempt").intValue(), str(m, "key"), handle,
                        at);
            }
            case "output_written" -> new JournalRecord.OutputWritten(str(m, "step"), str(m, "path"), str(m, "sha256"),
                    num(m, "size").longValue(), (String) m.get("fingerprint"), cost(m), at,
                    ((List<Map<String, Object>>) m.getOrDefault("side_files", List.of())).stream()
                            .map(f -> new WrittenSideFile(Path.of(str(f, "path")), new SideObject(str(f, "suffix"),
                                    str(f, "sha256"), Boolean.TRUE.equals(f.get("folder")))))
                            .toList());
            case "cost_settled" -> new JournalRecord.CostSettled(str(m, "step"),
                    java.util.Objects.requireNonNull(cost(m), "amount"), at);
            case "step_finished" -> new JournalRecord.StepFinished(result((Map<String, Object>) m.get("result")), at);
            case "run_finished" -> new JournalRecord.RunFinished(str(m, "status"), at);
            case "fallback_switched" -> new JournalRecord.FallbackSwitched(str(m, "step"),
                    num(m, "attempt").intValue(), num(m, "index").intValue(), str(m, "from_provider"),
                    (String) m.get("from_model"), str(m, "provider"), (String) m.get("model"), str(m, "error_kind"),
                    str(m, "error"), decimal(m.get("cost")), at);
            case "expanded" -> new JournalRecord.Expanded(str(m, "step"), num(m, "items").intValue(),
                    str(m, "items_sha256"), at);
            default -> throw new IllegalArgumentException("unknown journal record type " + type);
        };
    }

    @SuppressWarnings("unchecked")
    static StepResult result(Map<String, Object> m) {
        ErrorInfo error = null;
        if (m.get("error") instanceof Map<?, ?> e) {
            String rid = (String) e.get("request_id");
            error = new ErrorInfo(ErrorKind.valueOf((String) e.get("kind")), (String) e.get("message"),
                    rid == null || rid.isEmpty() ? null : rid);
        }
        CacheInfo cache = null;
        if (m.get("cache") instanceof Map<?, ?> c) {
            cache = new CacheInfo(CacheInfo.Status.valueOf((String) c.get("status")), (String) c.get("key"),
                    (String) c.get("reason"), c.get("saving") == null ? null : new BigDecimal((String) c.get("saving")),
                    Boolean.TRUE.equals(c.get("deterministic")));
        }
        String output = (String) m.get("output_path");
        String started = (String) m.get("started_at");
        Object quality = m.get("quality_score");
        return new StepResult((String) m.get("step_id"), (String) m.get("step_type"), (String) m.get("group_id"),
                (String) m.get("provider"), (String) m.get("model"), StepStatus.valueOf((String) m.get("status")),
                output == null ? null : Path.of(output), (String) m.get("text"),
                (Map<String, Object>) m.getOrDefault("metadata", Map.of()), error, (String) m.get("reason"),
                started == null ? null : Instant.parse(started), Duration.ofMillis(num(m, "execution_ms").longValue()),
                num(m, "attempts").intValue(), decimal(m.get("estimated_cost")), decimal(m.get("actual_cost")), cache,
                Boolean.TRUE.equals(m.get("preview")), quality instanceof Number q ? q.doubleValue() : null,
                (List<String>) m.getOrDefault("request_ids", List.of()),
                ((List<String>) m.getOrDefault("side_files", List.of())).stream().map(Path::of).toList());
    }

    private static @Nullable BigDecimal decimal(@Nullable Object v) {
        return v == null ? null : new BigDecimal(v.toString());
    }

    private static String str(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            throw new IllegalArgumentException("journal record lacks " + key);
        }
        return v.toString();
    }

    private static Number num(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v instanceof Number n) {
            return n;
        }
        throw new IllegalArgumentException("journal record lacks number " + key);
    }
}
