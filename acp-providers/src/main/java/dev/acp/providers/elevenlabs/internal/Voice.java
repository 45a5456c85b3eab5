package dev.acp.providers.elevenlabs.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * One voice of {@code GET /v1/voices} or {@code GET /v2/voices} (providers.md 2.3). Only the id
 * is required by the API; everything else may be missing.
 */
public record Voice(
        @JsonProperty("voice_id") @Nullable String voiceId,
        @JsonProperty("name") @Nullable String name,
        @JsonProperty("category") @Nullable String category) {}
