package dev.acp.pipeline;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A declared pipeline input, set with {@code --set name=value}.
 *
 * @param defaultValue the typed default, or null when the input is required
 * @param allowed the permitted values ({@code enum:}), empty for any
 */
public record InputSpec(
        String name,
        InputType type,
        @Nullable Object defaultValue,
        @Nullable String description,
        List<Object> allowed,
        SourceLocation location) {

    public InputSpec {
        allowed = List.copyOf(allowed);
    }

    public boolean required() {
        return defaultValue == null;
    }
}
