package dev.acp.plan;

import dev.acp.pipeline.Capability;
import java.util.List;
import java.util.Locale;

/** File extensions that fit each kind of output, so that a step cannot write audio into a .png. */
public final class OutputFiles {
    private OutputFiles() {}

    public static List<String> extensions(Capability.OutputKind kind) {
        return kind.extensions();
    }

    /** Lower-case extension without the dot, or "" when the name has none. */
    public static String extension(String fileName) {
        int slash = Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\'));
        String base = fileName.substring(slash + 1);
        int dot = base.lastIndexOf('.');
        return dot <= 0 ? "" : base.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
