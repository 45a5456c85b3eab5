package dev.acp.providers.runware.internal;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A whole answer of {@code POST /v1} (providers.md 4.2-4.4): {@code data} and {@code errors} may
 * both be present (errors are per task); older errors come singular as {@code error}.
 */
public record TaskAnswer(@Nullable List<TaskItem> data, @Nullable List<ApiError> errors, @Nullable ApiError error) {
    public TaskAnswer {
        data = data == null ? List.of() : data.stream().filter(java.util.Objects::nonNull).toList();
        errors = errors == null ? List.of() : errors.stream().filter(java.util.Objects::nonNull).toList();
    }

    /** Every error of the answer, the singular form included. */
    public List<ApiError> allErrors() {
        if (error == null) {
            return errors;
        }
        List<ApiError> all = new java.util.ArrayList<>(errors);
        all.add(error);
        return all;
    }
}
