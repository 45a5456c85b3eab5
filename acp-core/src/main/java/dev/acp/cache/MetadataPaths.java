package dev.acp.cache;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Paths of a step's own files inside its metadata (a video's {@code subtitle_file}, the frames of
 * a keyframe folder), kept in the cache as placeholders and made concrete again for the step that
 * is served from it: that step's output may have another name in another folder, and its side
 * files follow that name.
 *
 * <p>A string equal to the main output's path becomes {@value #OUTPUT}; one equal to a side
 * file's path, or inside a side folder, becomes {@code <acp:side:SUFFIX>} followed by the rest of
 * the path. Lists and maps are walked; anything else is kept as it is.
 */
public final class MetadataPaths {
    static final String OUTPUT = "<acp:output>";
    private static final String SIDE = "<acp:side:";

    private MetadataPaths() {}

    /**
     * {@code metadata} with the paths of {@code output} and of {@code sides} (suffix to where
     * the side file was placed) replaced by placeholders, for the cache.
     */
    public static Map<String, Object> abstracted(Map<String, Object> metadata, @Nullable Path output,
            Map<String, Path> sides) {
        Map<String, String> known = new LinkedHashMap<>();
        if (output != null) {
            known.put(output.toAbsolutePath().normalize().toString(), OUTPUT);
        }
        sides.forEach((suffix, path) -> known.put(path.toAbsolutePath().normalize().toString(), SIDE + suffix + ">"));
        return known.isEmpty() ? metadata : map(metadata, known);
    }

    /** The reverse of {@link #abstracted}, for the step's own output and side files. */
    public static Map<String, Object> concrete(Map<String, Object> metadata, @Nullable Path output,
            Map<String, Path> sides) {
        Map<String, String> known = new LinkedHashMap<>();
        if (output != null) {
            known.put(OUTPUT, output.toAbsolutePath().normalize().toString());
        }
        sides.forEach((suffix, path) -> known.put(SIDE + suffix + ">", path.toAbsolutePath().normalize().toString()));
        return map(metadata, known);
    }

    private static Map<String, Object> map(Map<?, ?> m, Map<String, String> replacements) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), value(v, replacements)));
        return out;
    }

    private static @Nullable Object value(@Nullable Object v, Map<String, String> replacements) {
        if (v instanceof String s) {
            for (var r : replacements.entrySet()) {
                String from = r.getKey();
                if (s.equals(from)) {
                    return r.getValue();
                }
                // Inside a folder (a side folder's files): the separator follows the placeholder.
                if (s.startsWith(from) && s.length() > from.length() && (s.charAt(from.length()) == '/'
                        || s.charAt(from.length()) == java.io.File.separatorChar)) {
                    return r.getValue() + s.substring(from.length());
                }
            }
            return s;
        }
        if (v instanceof Map<?, ?> m) {
            return map(m, replacements);
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object o : l) {
                out.add(value(o, replacements));
            }
            return out;
        }
        return v;
    }
}
