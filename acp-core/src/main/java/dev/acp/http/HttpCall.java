package dev.acp.http;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP request a provider makes, with everything the transport needs to send it safely.
 *
 * @param body the request body, or null for none
 * @param timeout the time limit of one attempt (the step's own deadline still applies)
 * @param retry whether the transport may send it again after a retryable failure
 * @param errors how the provider's error responses are classified
 * @param secrets values masked in every message about this call (the API key)
 */
public record HttpCall(
        String method,
        URI uri,
        Map<String, String> headers,
        HttpRequest.@Nullable BodyPublisher body,
        Duration timeout,
        Retry retry,
        ErrorMapper errors,
        Governor governor,
        List<String> secrets) {

    /** Whether a call may be sent again by the transport. */
    public enum Retry {
        /**
         * Reading, polling, downloading, or a call the provider deduplicates: retried with
         * backoff (honouring Retry-After) on rate limits, 408/5xx, connection failures and timeouts.
         */
        SAFE,
        /**
         * A paid submission: sent once. Its failure is returned classified; a failure after the
         * request may have reached the provider is {@code UNKNOWN_OUTCOME}, never retryable.
         */
        ONCE
    }

    public HttpCall {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        headers = Map.copyOf(headers);
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(errors, "errors");
        Objects.requireNonNull(governor, "governor");
        secrets = List.copyOf(secrets);
    }

    public static HttpCall get(URI uri, Map<String, String> headers, Governor governor, ErrorMapper errors,
            List<String> secrets) {
        return new HttpCall("GET", uri, headers, null, Duration.ofSeconds(60), Retry.SAFE, errors, governor, secrets);
    }

    /**
     * Whether the governor spaces this call like a submission: a GET or HEAD only reads (a status
     * poll, a result, a download) and starts no paid work, so only a 429 slows it down.
     */
    public Governor.Traffic traffic() {
        return method.equals("GET") || method.equals("HEAD") ? Governor.Traffic.FOLLOW_UP : Governor.Traffic.SUBMISSION;
    }

    public HttpCall withTimeout(Duration value) {
        return new HttpCall(method, uri, headers, body, value, retry, errors, governor, secrets);
    }

    public HttpCall withRetry(Retry value) {
        return new HttpCall(method, uri, headers, body, timeout, value, errors, governor, secrets);
    }
}
