package dev.acp.http;

import java.util.Objects;

/**
 * A result downloaded to a file by {@link HttpTransport#downloadFile}.
 *
 * @param bytes how many bytes were written
 * @param sha256 the SHA-256 of those bytes, lower-case hex
 */
public record Downloaded(long bytes, String sha256) {
    public Downloaded {
        Objects.requireNonNull(sha256, "sha256");
    }
}
