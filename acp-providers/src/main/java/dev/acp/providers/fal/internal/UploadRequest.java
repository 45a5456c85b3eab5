package dev.acp.providers.fal.internal;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The body of {@code POST {rest}/storage/upload/initiate}. */
public record UploadRequest(
        @JsonProperty("file_name") String fileName,
        @JsonProperty("content_type") String contentType) {}
