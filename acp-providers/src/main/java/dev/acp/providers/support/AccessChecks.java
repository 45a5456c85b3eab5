package dev.acp.providers.support;

import dev.acp.error.ProviderException;
import dev.acp.http.HttpCall;
import dev.acp.provider.AccessCheck;
import java.time.Duration;

/**
 * What {@code acp doctor} says about a provider's free call that failed, one classification for
 * every provider: refused credentials, no credits, or not reachable, each with what to do.
 */
public final class AccessChecks {
    /** The time limit of a doctor's call: a quick answer beats a patient one here. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    private AccessChecks() {}

    /** A doctor's call: sent once (no retries that would outlast the doctor), with a short time limit. */
    public static HttpCall quick(HttpCall call) {
        return call.withRetry(HttpCall.Retry.ONCE).withTimeout(TIMEOUT);
    }

    /**
     * The result of a failed free call.
     *
     * @param keyVariable the variable that holds the provider's key, for the advice
     * @param baseUrlVariable the variable that overrides its base URL, for the advice
     */
    public static AccessCheck failed(ProviderException e, String keyVariable, String baseUrlVariable) {
        String message = e.getMessage() == null ? e.kind().wireName() : e.getMessage().replaceAll("\\s*\\R\\s*", " ");
        return switch (e.kind()) {
            case AUTH -> new AccessCheck(AccessCheck.Status.REFUSED, message,
                    "check " + keyVariable + ": it was refused (expired, revoked or mistyped?)");
            case QUOTA -> new AccessCheck(AccessCheck.Status.FAILED, message,
                    "add credits or raise the key's limit in the provider's dashboard");
            case RATE_LIMIT -> new AccessCheck(AccessCheck.Status.WARNING, message,
                    "the key works but is rate-limited right now; lower the provider's max_concurrency or"
                            + " requests_per_second in config.yaml if this persists");
            case NOT_FOUND -> new AccessCheck(AccessCheck.Status.FAILED, message,
                    "check " + baseUrlVariable + " (or base_url in config.yaml): it does not look like this provider's API");
            default -> new AccessCheck(AccessCheck.Status.FAILED, message,
                    "check the network and " + baseUrlVariable + " (or base_url in config.yaml)");
        };
    }
}
