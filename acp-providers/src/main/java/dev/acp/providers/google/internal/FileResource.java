package dev.acp.providers.google.internal;

import org.jspecify.annotations.Nullable;

/**
 * A file of the Files API: {@code name} ({@code files/abc123}) to read its state with,
 * {@code uri} to reference it in {@code fileData}, and {@code state} ({@code PROCESSING},
 * {@code ACTIVE}, {@code FAILED}).
 */
public record FileResource(
        @Nullable String name, @Nullable String uri, @Nullable String mimeType, @Nullable String state,
        Operation.@Nullable Status error) {

    /** The answer of an upload: the file, wrapped. */
    public record Uploaded(@Nullable FileResource file) {}
}
