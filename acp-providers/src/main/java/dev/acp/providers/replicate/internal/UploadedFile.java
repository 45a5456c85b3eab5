package dev.acp.providers.replicate.internal;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The answer of {@code POST /v1/files} (providers.md 7.5): {@code urls.get} is the input value. */
public record UploadedFile(@Nullable String id, @Nullable Map<String, String> urls) {}
