package dev.acp.providers.fal.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The answer to {@code GET status_url?logs=1}: {@code IN_QUEUE} with a queue position,
 * {@code IN_PROGRESS} with logs, or {@code COMPLETED}, where {@code error} / {@code error_type}
 * mean that the request failed (providers.md 1.3).
 *
 * @param error a text, or (on some apps) an object or list; kept as JSON
 */
public record QueueStatus(
        @Nullable String status,
        @JsonProperty("queue_position") @Nullable Integer queuePosition,
        @Nullable List<LogLine> logs,
        @Nullable JsonNode error,
        @JsonProperty("error_type") @Nullable String errorType,
        @Nullable JsonNode metrics) {

    /** One log line of a running request. */
    public record LogLine(@Nullable String message, @Nullable String level, @Nullable String timestamp) {}
}
