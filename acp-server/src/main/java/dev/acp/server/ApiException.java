package dev.acp.server;

import dev.acp.pipeline.Problem;
import java.util.List;
import java.util.Map;

/**
 * An answer other than success, carried to the router, which writes it as the JSON error object
 * {@code {"error": {"message", "status", "kind", "problems"?, ...}}}: the shape of the command
 * line's {@code --format json} errors, with the HTTP status in place of the exit code.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String kind;
    private final List<Problem> problems;
    private final Map<String, Object> details;

    public ApiException(int status, String kind, String message, List<Problem> problems, Map<String, Object> details) {
        super(message, null, false, false); // an answer, not a bug: no stack trace is ever taken
        this.status = status;
        this.kind = kind;
        this.problems = List.copyOf(problems);
        this.details = Map.copyOf(details);
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, "usage", message, List.of(), Map.of());
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message, List.of(), Map.of());
    }

    public static ApiException conflict(String message) {
        return new ApiException(409, "conflict", message, List.of(), Map.of());
    }

    public static ApiException invalidPipeline(String message, List<Problem> problems) {
        return new ApiException(400, "invalid_pipeline", message, problems, Map.of());
    }

    public int status() {
        return status;
    }

    public String kind() {
        return kind;
    }

    public List<Problem> problems() {
        return problems;
    }

    /** More members of the error object, such as the estimate of a run refused for its cost. */
    public Map<String, Object> details() {
        return details;
    }
}
