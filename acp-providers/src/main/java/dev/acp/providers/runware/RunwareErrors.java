package dev.acp.providers.runware;

import dev.acp.error.ErrorKind;
import dev.acp.http.ErrorMapper;
import dev.acp.http.HttpResult;
import dev.acp.providers.runware.internal.ApiError;
import dev.acp.providers.runware.internal.TaskAnswer;
import dev.acp.providers.support.Json;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Runware's errors in ACP's one classification (providers.md 4.3). An error answer carries
 * {@code errors[]} (or a singular {@code error}) with a {@code code}; the code decides where it
 * says something, else the HTTP status does.
 *
 * <p>Codes: {@code invalidApiKey} and other key or authentication codes are AUTH; codes about
 * credits or balance are QUOTA; {@code rateLimitExceeded} is RATE_LIMIT; {@code timeoutProvider}
 * and other timeouts are TRANSIENT; {@code contentPolicyViolation} and codes naming NSFW or safety
 * are CONTENT_POLICY; {@code taskFailedOrNotFound} and other "not found" codes are NOT_FOUND;
 * other {@code invalid*} codes (such as {@code invalidPositivePrompt}) are VALIDATION. Statuses:
 * 402 QUOTA, 401/403 AUTH, 429 (queue capacity) RATE_LIMIT, 503/504 TRANSIENT, as
 * {@link ErrorMapper#byStatus}.
 */
final class RunwareErrors implements ErrorMapper {
    static final RunwareErrors INSTANCE = new RunwareErrors();
    static final String NOT_FOUND_CODE = "taskFailedOrNotFound";

    private RunwareErrors() {}

    @Override
    public Classified classify(HttpResult r) {
        Optional<ApiError> error = firstError(r);
        ErrorKind kind = error.flatMap(e -> byCode(e.code(), e.message())).orElse(ErrorMapper.byStatus(r.status()));
        String text = error.map(RunwareErrors::describe).orElse(r.body().length == 0 ? "" : r.excerpt());
        return new Classified(kind, oneLine("HTTP " + r.status() + (text.isBlank() ? "" : ": " + text)));
    }

    private static Optional<ApiError> firstError(HttpResult r) {
        if (r.body().length == 0) {
            return Optional.empty();
        }
        try {
            TaskAnswer a = Json.MAPPER.readValue(r.body(), TaskAnswer.class);
            return a.allErrors().stream().findFirst();
        } catch (java.io.IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The kind of an error from its code (and message, for content policy), when the code says. */
    static Optional<ErrorKind> byCode(@Nullable String code, @Nullable String message) {
        String c = code == null ? "" : code.toLowerCase(Locale.ROOT);
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        if (c.contains("contentpolicy") || c.contains("nsfw") || c.contains("safety") || m.contains("content policy")
                || m.contains("nsfw")) {
            return Optional.of(ErrorKind.CONTENT_POLICY);
        }
        if (c.isEmpty()) {
            return Optional.empty();
        }
        if (c.contains("apikey") || c.contains("authentication") || c.contains("unauthorized")
                || c.contains("forbidden")) {
            return Optional.of(ErrorKind.AUTH);
        }
        if (c.contains("credit") || c.contains("balance") || c.contains("insufficient")) {
            return Optional.of(ErrorKind.QUOTA);
        }
        if (c.contains("ratelimit") || c.contains("toomanyrequests")) {
            return Optional.of(ErrorKind.RATE_LIMIT);
        }
        if (c.contains("timeout") || c.contains("unavailable") || c.contains("internal")) {
            return Optional.of(ErrorKind.TRANSIENT);
        }
        if (c.contains("notfound")) {
            return Optional.of(ErrorKind.NOT_FOUND);
        }
        if (c.startsWith("invalid") || c.startsWith("missing") || c.contains("unsupported")) {
            return Optional.of(ErrorKind.VALIDATION);
        }
        return Optional.empty();
    }

    /** The kind of an error object met inside a successful answer (a failed task or generation). */
    static ErrorKind kindOf(ApiError e) {
        return byCode(e.code(), e.message()).orElse(ErrorKind.TRANSIENT);
    }

    /** {@code code: message (parameter x)}, one line. */
    static String describe(ApiError e) {
        StringBuilder b = new StringBuilder();
        if (e.code() != null && !e.code().isBlank()) {
            b.append(e.code());
        }
        if (e.message() != null && !e.message().isBlank()) {
            b.append(b.length() == 0 ? "" : ": ").append(e.message());
        }
        if (e.parameter() != null && !e.parameter().isBlank() && !"apiKey".equals(e.parameter())) {
            b.append(" (parameter ").append(e.parameter()).append(")");
        }
        return oneLine(b.length() == 0 ? "error without a code" : b.toString());
    }

    static boolean isNotFound(List<ApiError> errors) {
        return errors.stream().anyMatch(e -> NOT_FOUND_CODE.equalsIgnoreCase(e.code())
                || e.code() != null && e.code().toLowerCase(Locale.ROOT).contains("notfound"));
    }

    static String oneLine(String s) {
        String t = s.replaceAll("\\s+", " ").trim();
        return t.length() <= 300 ? t : t.substring(0, 297) + "...";
    }
}
