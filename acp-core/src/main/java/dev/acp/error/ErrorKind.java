package dev.acp.error;

/**
 * The one classification of failures that every provider maps its errors onto. Retry, fallback
 * and exit-code decisions are taken from the kind alone, never from messages.
 */
public enum ErrorKind {
    /** Credentials missing, invalid or refused. Never retried. */
    AUTH(false),
    /** Out of credits or over a plan quota. Never retried. */
    QUOTA(false),
    /** The request was rejected as invalid (bad parameter, unsupported size...). Never retried. */
    VALIDATION(false),
    /** Refused by a content policy or moderation filter. Never retried. */
    CONTENT_POLICY(false),
    /** Too many requests; retried after the provider's Retry-After or a backoff. */
    RATE_LIMIT(true),
    /** Temporary failure: 5xx, connection reset, provider overloaded. Retried with backoff. */
    TRANSIENT(true),
    /** The model, voice, job or file does not exist. Never retried. */
    NOT_FOUND(false),
    /** An attempt ran past its time limit. Retried while the step's deadline allows. */
    TIMEOUT(true),
    /**
     * A job submission may or may not have reached the provider (the process stopped between
     * sending it and recording the answer). Not retried: submitting again could pay twice.
     */
    UNKNOWN_OUTCOME(false),
    /** A local engine or tool failed (ffmpeg exit status, unreadable input). Not retried. */
    LOCAL(false),
    /** A defect in ACP itself. Not retried. */
    INTERNAL(false);

    private final boolean retryable;

    ErrorKind(boolean retryable) {
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }

    /** Lower-case name used in reports, for example {@code rate_limit}. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
