package dev.acp.providers.google;

import com.fasterxml.jackson.databind.JsonNode;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.http.ErrorMapper;
import dev.acp.http.Governor;
import dev.acp.http.HttpCall;
import dev.acp.http.HttpResult;
import dev.acp.http.HttpTransport;
import dev.acp.providers.support.Json;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The Gemini API as the Google provider calls it (providers.md 6.1): every request to
 * {@code {base}/v1beta/...} or {@code {base}/upload/v1beta/...} carries the key in
 * {@code x-goog-api-key} (never in the query, where it could reach a log). The key goes only to
 * the configured base URL (its scheme, host and port: the transport's rule): a download
 * redirected to another host, or the URL of a user's input, is fetched without it. Never into a
 * message.
 */
final class GoogleApi {

    /** Time limits of one attempt of each kind of call. */
    record Timeouts(Duration generate, Duration submit, Duration poll, Duration upload, Duration download) {
        /** A long answer of a thinking model takes minutes; a video download can be large. */
        static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(300), Duration.ofSeconds(60),
                Duration.ofSeconds(30), Duration.ofMinutes(10), Duration.ofMinutes(10));
    }

    static final String KEY_HEADER = "x-goog-api-key";

    private final String base;
    private final @Nullable String key;
    private final HttpTransport transport;
    private final Governor governor;
    private final Timeouts timeouts;
    private final List<String> secrets;

    GoogleApi(String base, @Nullable String key, HttpTransport transport, Governor governor, Timeouts timeouts) {
        this.base = stripVersion(base);
        this.key = key == null || key.isBlank() ? null : key;
        this.transport = transport;
        this.governor = governor.withBaseUrls(this.base);
        this.timeouts = timeouts;
        this.secrets = this.key == null ? List.of() : List.of(this.key);
    }

    /**
     * The host root: providers.md gives the base as {@code .../v1beta/}, and uploads live beside
     * it under {@code /upload/v1beta}, so a configured {@code /v1beta} suffix is dropped.
     */
    static String stripVersion(String base) {
        String b = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        return b.endsWith("/v1beta") ? b.substring(0, b.length() - "/v1beta".length()) : b;
    }

    String base() {
        return base;
    }

    Timeouts timeouts() {
        return timeouts;
    }

    HttpTransport transport() {
        return transport;
    }

    Governor governor() {
        return governor;
    }

    List<String> secrets() {
        return secrets;
    }

    boolean hasKey() {
        return key != null;
    }

    void requireKey() throws ProviderException {
        if (key == null) {
            throw new ProviderException(ErrorKind.AUTH, "google: " + String.join(" or ",
                    GoogleProviderFactory.CREDENTIALS) + " is not set (or providers.google.api_key in"
                    + " ACP_HOME/config.yaml)");
        }
    }

    /** {@code {base}/v1beta/{path}}. */
    URI api(String path) throws ProviderException {
        return uri(base + "/v1beta/" + path, "the API URL");
    }

    /** {@code {base}/upload/v1beta/{path}}. */
    URI upload(String path) throws ProviderException {
        return uri(base + "/upload/v1beta/" + path, "the upload URL");
    }

    /** Headers for a call to {@code uri}: the key, which the transport sends only to the configured base URL. */
    Map<String, String> headers(URI uri) {
        Map<String, String> h = new HashMap<>();
        if (key != null) {
            h.put(KEY_HEADER, key);
        }
        return h;
    }

    /** POSTs JSON and returns the successful answer. */
    HttpResult postJson(URI uri, JsonNode body, HttpCall.Retry retry, Duration timeout, ErrorMapper errors)
            throws ProviderException, InterruptedException {
        Map<String, String> h = headers(uri);
        h.put("Content-Type", "application/json");
        h.put("Accept", "application/json");
        return transport.execute(new HttpCall("POST", uri, h, Json.body(body), timeout, retry, errors, governor,
                secrets));
    }

    /** A GET that is safe to repeat. */
    HttpResult get(URI uri, Duration timeout) throws ProviderException, InterruptedException {
        Map<String, String> h = headers(uri);
        h.put("Accept", "application/json");
        return transport.execute(HttpCall.get(uri, h, governor, GoogleErrors.INSTANCE, secrets).withTimeout(timeout));
    }

    /** Any call, sent as built. */
    HttpResult execute(HttpCall call) throws ProviderException, InterruptedException {
        return transport.execute(call);
    }

    /** Streams a result to disk (retried as safe: a download costs nothing). */
    long download(URI uri, Path target, long maxBytes, List<String> types) throws ProviderException, InterruptedException {
        HttpCall call = new HttpCall("GET", uri, headers(uri), (HttpRequest.BodyPublisher) null, timeouts.download(),
                HttpCall.Retry.SAFE, GoogleErrors.INSTANCE, governor, secrets);
        return transport.download(call, target, maxBytes, types);
    }

    static URI uri(String url, String what) throws ProviderException {
        try {
            URI u = new URI(url);
            if (u.getScheme() == null || u.getHost() == null
                    || !(u.getScheme().equalsIgnoreCase("http") || u.getScheme().equalsIgnoreCase("https"))) {
                throw new URISyntaxException(url, "not an absolute http(s) URL");
            }
            return u;
        } catch (URISyntaxException e) {
            throw new ProviderException(ErrorKind.VALIDATION, "google: " + what + " is not an http(s) URL: "
                    + GoogleErrors.oneLine(url.length() > 200 ? url.substring(0, 200) + "..." : url));
        }
    }

    String mask(String message) {
        return key == null || key.length() < 4 ? message : message.replace(key, "****");
    }
}
