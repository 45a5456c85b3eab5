package dev.acp.providers.fal.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * The answer to {@code POST {queue}/{endpoint id}}: the request id and the URLs to use for it
 * (providers.md 1.3). Clients use these URLs as given rather than building them.
 */
public record QueueSubmitted(
        @JsonProperty("request_id") @Nullable String requestId,
        @JsonProperty("status_url") @Nullable String statusUrl,
        @JsonProperty("response_url") @Nullable String responseUrl,
        @JsonProperty("cancel_url") @Nullable String cancelUrl,
        @JsonProperty("queue_position") @Nullable Integer queuePosition) {}
