package dev.acp.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.acp.engine.CacheInfo;
import dev.acp.engine.ErrorInfo;
import dev.acp.engine.StepResult;
import dev.acp.engine.StepStatus;
import dev.acp.error.ErrorKind;
import dev.acp.provider.JobHandle;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.jspecify.annotations.Nullable;

/**
 * The journal's line format: {@code <crc32 as 8 hex digits> <JSON>\n}. The checksum covers the
 * JSON text, so a torn or damaged line is recognised and skipped instead of being misread.
 */
final class JournalCodec {
    private final ObjectMapper json = new ObjectMapper();

    /** One line, with its trailing newline. */
    byte[] encode(JournalRecord r) {
        try {
            String body = json.writeValueAsString(toMap(r));
            CRC32 crc = new CRC32();
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            crc.update(bytes);
            return (String.format("%08x", crc.getValue()) + " " + body + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write a journal record: " + e.getOriginalMessage(), e);
        }
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
            Map<String, Object> m = json.readValue(body, Map.class);
            return fromMap(m);
        } catch (JsonProcessingException | RuntimeException e) {
            return null;
        }
    }

    private static Map<String, Object> toMap(JournalRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        switch (r) {
            case JournalRecord.RunStarted s -> {
                m.put("type", "run_started");
                m.put("run_id", s.runId());
                m.put("pipeline_name", s.pipelineName());
                m.put("pipeline_sha256", s.pipelineSha256());
            }
            case JournalRecord.RunResumed s -> {
                m.put("type", "run_resumed");
                m.put("pipeline_sha256", s.pipelineSha256());
                m.put("changed_steps", s.changedSteps());
            }
            case JournalRecord.StepStarted s -> {
                m.put("type", "step_started");
                m.put("step", s.step());
                m.put("attempt", s.attempt());
            }
            case JournalRecord.JobSubmitting s -> {
                m.put("type", "job_submitting");
                m.put("step", s.step());
                m.put("attempt", s.attempt());
                m.put("key", s.idempotencyKey());
            }
            case JournalRecord.JobSubmitted s -> {
                m.put("type", "job_submitted");
                m.put("step", s.step());
                m.put("attempt", s.attempt());
                m.put("key", s.idempotencyKey());
                m.put("handle", Map.of("provider", s.handle().provider(), "id", s.handle().id(), "data", s.handle().data()));
            }
            case JournalRecord.OutputWritten s -> {
                m.put("type", "output_written");
                m.put("step", s.step());
                m.put("path", s.path());
                m.put("sha256", s.sha256());
                m.put("size", s.size());
            }
            case JournalRecord.CostSettled s -> {
                m.put("type", "cost_settled");
                m.put("step", s.step());
                m.put("amount", s.amount().toPlainString());
                m.put("source", s.source());
                if (s.job() != null) {
                    m.put("job", s.job());
                }
            }
            case JournalRecord.StepFinished s -> {
                m.put("type", "step_finished");
                m.put("result", result(s.result()));
            }
            case JournalRecord.RunFinished s -> {
                m.put("type", "run_finished");
                m.put("status", s.status());
            }
        }
        m.put("at", r.at().toString());
        return m;
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
            case "job_submitted" -> {
                Map<String, Object> h = (Map<String, Object>) m.get("handle");
                JobHandle handle = new JobHandle(str(h, "provider"), str(h, "id"),
                        (Map<String, String>) h.getOrDefault("data", Map.of()));
                yield new JournalRecord.JobSubmitted(str(m, "step"), num(m, "attempt").intValue(), str(m, "key"), handle,
                        at);
            }
            case "output_written" -> new JournalRecord.OutputWritten(str(m, "step"), str(m, "path"), str(m, "sha256"),
                    num(m, "size").longValue(), at);
            case "cost_settled" -> new JournalRecord.CostSettled(str(m, "step"), new BigDecimal(str(m, "amount")),
                    str(m, "source"), (String) m.get("job"), at);
            case "step_finished" -> new JournalRecord.StepFinished(result((Map<String, Object>) m.get("result")), at);
            case "run_finished" -> new JournalRecord.RunFinished(str(m, "status"), at);
            default -> throw new IllegalArgumentException("unknown journal record type " + type);
        };
    }

    static Map<String, Object> result(StepResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step_id", r.stepId());
        m.put("step_type", r.stepType());
        m.put("group_id", r.groupId());
        m.put("provider", r.provider());
        m.put("model", r.model());
        m.put("status", r.status().name());
        m.put("output_path", r.outputPath() == null ? null : r.outputPath().toString());
        m.put("text", r.text());
        m.put("metadata", r.metadata());
        if (r.error() != null) {
            m.put("error", Map.of("kind", r.error().kind().name(), "message", r.error().message(),
                    "request_id", r.error().requestId() == null ? "" : r.error().requestId()));
        }
        m.put("reason", r.reason());
        m.put("started_at", r.startedAt() == null ? null : r.startedAt().toString());
        m.put("execution_ms", r.executionTime().toMillis());
        m.put("attempts", r.attempts());
        m.put("estimated_cost", r.estimatedCost() == null ? null : r.estimatedCost().toPlainString());
        m.put("actual_cost", r.actualCost() == null ? null : r.actualCost().toPlainString());
        if (r.cache() != null) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("status", r.cache().status().name());
            c.put("key", r.cache().key());
            c.put("reason", r.cache().reason());
            c.put("saving", r.cache().saving() == null ? null : r.cache().saving().toPlainString());
            c.put("deterministic", r.cache().deterministic());
            m.put("cache", c);
        }
        m.put("preview", r.preview());
        m.put("quality_score", r.qualityScore());
        m.put("request_ids", r.requestIds());
        return m;
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
                (List<String>) m.getOrDefault("request_ids", List.of()));
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
