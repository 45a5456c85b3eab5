package dev.acp.providers.openai.internal;

import org.jspecify.annotations.Nullable;

/** An error response: {@code {"error":{...}}}. */
public record ErrorEnvelope(@Nullable ApiError error) {}
