package dev.acp.providers.elevenlabs.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The answer of {@code GET /v1/voices} ({@code {"voices":[...]}}) and of {@code GET /v2/voices}
 * (the same plus {@code has_more}, {@code total_count} and {@code next_page_token}, which ACP
 * does not need: a name search reads its first page only).
 */
public record VoicesResponse(@JsonProperty("voices") @Nullable List<Voice> voices) {}
