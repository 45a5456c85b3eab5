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
    private final boolean notAccepted;

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
        this(kind, message, retryAfter, requestId, cause, false);
    }

    /**
     * @param notAccepted the provider certainly did not accept the request, so nothing was done
     *     or billed (a rate limit, an overloaded ingress, a connection refused before the request
     *     left): sending it again cannot pay twice
     */
    public ProviderException(
            ErrorKind kind,
            String message,
            @Nullable Duration retryAfter,
            @Nullable String requestId,
            @Nullable Throwable cause,
            boolean notAccepted) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.retryAfter = retryAfter;
        this.requestId = requestId;
        this.notAccepted = notAccepted && kind.retryable();
    }

    /**
     * Whether the provider certainly did not accept the request (nothing done, nothing billed):
     * the engine then sends it again by default, whatever the step's {@code retry_count}, which
     * counts retries of work the provider accepted and that failed.
     */
    public boolean notAccepted() {
        return notAccepted;
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
