package dev.acp.providers.fal.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * The answer to {@code POST {rest}/storage/upload/initiate}: where to PUT the bytes (a signed
 * URL, no fal auth) and the public URL the file will have (providers.md 1.7, option B).
 */
public record UploadInitiated(
        @JsonProperty("upload_url") @Nullable String uploadUrl,
        @JsonProperty("file_url") @Nullable String fileUrl) {}
