package dev.acp.http;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A received HTTP response with its body read (bodies of API calls are small; media is
 * downloaded with {@link HttpTransport#download}). Header names are case-insensitive.
 */
public record HttpResult(int status, Map<String, List<String>> headers, byte[] body) {
    public HttpResult {
        Map<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((k, v) -> h.put(k, List.copyOf(v)));
        headers = java.util.Collections.unmodifiableMap(h);
    }

    public boolean ok() {
        return status >= 200 && status < 300;
    }

    /** The first value of a header. */
    public Optional<String> header(String name) {
        List<String> v = headers.get(name);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The body as one short line for error messages (no newlines, at most 300 characters). */
    public String excerpt() {
        String t = text().replaceAll("\\s+", " ").trim();
        return t.length() <= 300 ? t : t.substring(0, 297) + "...";
    }

    public boolean isJson() {
        return header("Content-Type").map(c -> c.toLowerCase(Locale.ROOT).contains("json")).orElse(false);
    }
}
