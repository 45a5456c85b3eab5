package dev.acp.engine;

import dev.acp.error.ErrorKind;
import org.jspecify.annotations.Nullable;

/** Why a step failed, as reported: the classification, a one-line message, and a request id. */
public record ErrorInfo(ErrorKind kind, String message, @Nullable String requestId) {
    public static ErrorInfo of(ErrorKind kind, String message) {
        return new ErrorInfo(kind, message, null);
    }
}
