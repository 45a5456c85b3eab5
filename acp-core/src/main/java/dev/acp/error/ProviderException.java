package dev.acp.error;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A failure of one provider call or local engine operation, classified by {@link ErrorKind}.
 * Messages must never contain secrets; providers build them from status, error codes and the
 * provider's own error text.
 */
public final class ProviderException extends AcpException {
    private final ErrorKind kind;
    private final @Nullable Duration retryAfter;
    private final @Nullable String requestId;

    public ProviderException(ErrorKind kind, String message) {
        this(kind, message, null, null, null);
    }

    public ProviderException(ErrorKind kind, String message, @Nullable Throwable cause) {
        this(kind, message, null, null, cause);
    }

    public ProviderException(
            ErrorKind kind,
            String message,
            @Nullable Duration retryAfter,
            @Nullable String requestId,
            @Nullable Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.retryAfter = retryAfter;
        this.requestId = requestId;
    }

    public ErrorKind kind() {
        return kind;
    }

    public boolean retryable() {
        return kind.retryable();
    }

    /** The wait the provider asked for (Retry-After), if it named one. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** The provider's request or job id, when the failure can be traced with the provider. */
    public Optional<String> requestId() {
        return Optional.ofNullable(requestId);
    }
}
