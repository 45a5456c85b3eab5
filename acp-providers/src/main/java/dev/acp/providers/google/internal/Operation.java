package dev.acp.providers.google.internal;

import com.fasterxml.jackson.databind.JsonNode;
import org.jspecify.annotations.Nullable;

/**
 * A long-running operation (providers.md 6.3): {@code name} is the handle; {@code done} is
 * absent or false while it runs; a finished one has either {@code error} or {@code response}.
 */
public record Operation(
        @Nullable String name, @Nullable Boolean done, @Nullable Status error, @Nullable JsonNode response,
        @Nullable JsonNode metadata) {

    /** A {@code google.rpc.Status}: numeric code and message. */
    public record Status(@Nullable Integer code, @Nullable String message, @Nullable String status) {}

    public boolean finished() {
        return Boolean.TRUE.equals(done);
    }
}
