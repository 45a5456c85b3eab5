package dev.acp.http;

import dev.acp.error.ErrorKind;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Turns a provider's error response into the one classification of {@link ErrorKind}: each
 * provider reads its own error body, and falls back on {@link #byStatus} for the rest.
 */
@FunctionalInterface
public interface ErrorMapper {

    /** The kind and message of an error response (status outside 2xx). */
    Classified classify(HttpResult response);

    /**
     * A classification: kind plus a one-line message naming what the provider said.
     *
     * @param retryAfter a wait the provider asked for in the body rather than in a header (Google's
     *     {@code RetryInfo.retryDelay}), or null; a {@code Retry-After} header wins over it
     * @param notAccepted the provider says it did not take the request on (an ingress refusing it,
     *     an overloaded service answering before it started): sending it again cannot pay twice.
     *     A 429 is always taken as not accepted.
     */
    record Classified(ErrorKind kind, String message, @Nullable Duration retryAfter, boolean notAccepted) {
        public Classified(ErrorKind kind, String message) {
            this(kind, message, null, false);
        }

        public Classified(ErrorKind kind, String message, @Nullable Duration retryAfter) {
            this(kind, message, retryAfter, false);
        }

        /** This classification, marked as a refusal of a request the provider did not take on. */
        public Classified refused() {
            return new Classified(kind, message, retryAfter, true);
        }
    }

    /** The classification by status alone, as the providers' documentation describes it. */
    static ErrorKind byStatus(int status) {
        return switch (status) {
            case 400, 413, 422 -> ErrorKind.VALIDATION;
            case 401, 403 -> ErrorKind.AUTH;
            case 402 -> ErrorKind.QUOTA;
            case 404, 410 -> ErrorKind.NOT_FOUND;
            case 408, 409, 425 -> ErrorKind.TRANSIENT;
            case 429 -> ErrorKind.RATE_LIMIT;
            case 451 -> ErrorKind.CONTENT_POLICY;
            default -> status >= 500 ? ErrorKind.TRANSIENT : ErrorKind.VALIDATION;
        };
    }

    /** By status, with the body excerpt as the message. */
    ErrorMapper STANDARD = r -> new Classified(byStatus(r.status()), "HTTP " + r.status()
            + (r.body().length == 0 ? "" : ": " + r.excerpt()));

}
