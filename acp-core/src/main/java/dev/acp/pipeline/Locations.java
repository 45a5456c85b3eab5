package dev.acp.pipeline;

import java.util.Map;

/**
 * Where the parts of one step were written, keyed by a dotted path relative to the step
 * ({@code step_type}, {@code config.prompt}, {@code output_filename}).
 */
public record Locations(SourceLocation self, Map<String, SourceLocation> byPath) {
    public Locations {
        byPath = Map.copyOf(byPath);
    }

    /** The location of {@code path}, or of the closest enclosing part, or of the step itself. */
    public SourceLocation at(String path) {
        String p = path;
        while (true) {
            SourceLocation l = byPath.get(p);
            if (l != null) {
                return l;
            }
            int dot = p.lastIndexOf('.');
            if (dot < 0) {
                return self;
            }
            p = p.substring(0, dot);
        }
    }
}
