package dev.acp.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.acp.provider.ParamType;
import dev.acp.util.SafePaths;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Which local files and folders a pipeline may read: its file inputs, the file, folder and file
 * list parameters of its steps, whether written in the pipeline, given as inputs or rendered from
 * templates. The command line reads {@link #anywhere() anywhere} its user can; {@code acp serve}
 * confines pipelines submitted over HTTP {@link #within within} its pipelines folder and output
 * root, since a file a step reads may be sent to a provider (an image input {@code /etc/passwd}
 * would leave the machine). The planner applies it to everything known before the run (a
 * problem with line and column, nothing runs), the engine to what templates render at run time.
 */
public sealed interface ReadPolicy {

    /** Reads any file the process can. */
    static ReadPolicy anywhere() {
        return new Anywhere();
    }

    /**
     * Reads only below {@code roots} (each at its real location, links resolved), never through
     * {@code ..} and never through a symbolic link that leads out.
     *
     * @param described the roots in words, for messages ("the server's pipelines folder and output root")
     */
    static ReadPolicy within(List<Path> roots, String described) {
        return new Within(roots, described);
    }

    /**
     * Why {@code written} (as the pipeline, an input or a template gave it) may not be read at
     * {@code resolved}; empty when it may. URLs other than {@code file:} are not files and pass.
     */
    Optional<String> refusal(String written, Path resolved);

    /** How to fix a refusal. */
    String fix();

    /** Whether anything is refused at all (the command line's policy refuses nothing, and checks nothing). */
    default boolean confines() {
        return this instanceof Within;
    }

    /** The policy of the command line and of library users: no limit beyond the file system's. */
    record Anywhere() implements ReadPolicy {
        @Override
        public Optional<String> refusal(String written, Path resolved) {
            return Optional.empty();
        }

        @Override
        public String fix() {
            return "";
        }
    }

    /** Only below these folders. */
    record Within(List<Path> roots, String described) implements ReadPolicy {
        public Within {
            // Real once, so that a link above a root (macOS /tmp, a home on another disk) is not a way out.
            roots = roots.stream().map(SafePaths::real).toList();
            Objects.requireNonNull(described, "described");
        }

        @Override
        public Optional<String> refusal(String written, Path resolved) {
            String w = written.strip();
            if (isUrl(w)) {
                return Optional.empty();
            }
            String path = w.toLowerCase(Locale.ROOT).startsWith("file:") ? w.substring(5) : w;
            if (List.of(path.split("[/\\\\]")).contains("..")) {
                return Optional.of("'" + written + "' uses '..'");
            }
            // Every link resolved: a link inside a root that leads out is out.
            Path real = SafePaths.real(resolved);
            if (roots.stream().anyMatch(real::startsWith)) {
                return Optional.empty();
            }
            return Optional.of("'" + written + "' is outside " + described);
        }

        @Override
        public String fix() {
            return "use a file in " + described + ", by a relative path without '..'";
        }
    }

    /** Whether {@code value} is a URL that names no local file. */
    static boolean isUrl(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        return v.startsWith("http://") || v.startsWith("https://") || v.startsWith("data:");
    }

    /**
     * One local file a parameter value names: as written, and where its reader will look (a path
     * relative to {@code base}; a {@code file:} URL as its path; text holding a whole list, as the
     * local engines read it, item by item from the process's folder).
     */
    record Named(String written, Path resolved) {}

    /**
     * Every local path in a file, folder or file-list parameter value: a path, a list of paths or
     * of maps naming their file ({@link ParamType#FILE_KEYS}), or text holding a JSON list or one
     * path per line. URLs and blanks are left out; text that is no valid path is returned as
     * written, resolved as well as it can be, so that it is checked rather than passed.
     */
    static List<Named> namedFiles(Object value, Path base) {
        List<Named> out = new ArrayList<>();
        collect(value, base, out, 0);
        return out;
    }

    private static void collect(Object value, Path base, List<Named> out, int depth) {
        if (depth > 8) {
            return; // no reader looks this deep
        }
        switch (value) {
            case String s -> {
                String t = s.strip();
                if (t.isEmpty() || isUrl(t)) {
                    return;
                }
                if (t.startsWith("[") || t.startsWith("{")) {
                    try {
                        collect(new ObjectMapper().readValue(t, Object.class), Path.of("").toAbsolutePath(), out, depth + 1);
                        return;
                    } catch (JsonProcessingException e) {
                        // Not JSON: a path that starts oddly, checked as one.
                    }
                }
                if (t.contains("\n")) {
                    Path here = Path.of("").toAbsolutePath();
                    t.lines().map(String::strip).filter(l -> !l.isEmpty()).forEach(l -> collect(l, here, out,
                            depth + 1));
                    return;
                }
                out.add(new Named(t, resolve(t, base)));
            }
            case List<?> l -> l.forEach(o -> {
                if (o != null) {
                    collect(o, base, out, depth + 1);
                }
            });
            case Map<?, ?> m -> {
                for (String key : ParamType.FILE_KEYS) {
                    if (m.get(key) != null) {
                        collect(m.get(key), base, out, depth + 1);
                    }
                }
                if (m.get("scenes") instanceof List<?> scenes) {
                    collect(scenes, base, out, depth + 1);
                }
            }
            default -> {
                // Numbers and booleans name no file.
            }
        }
    }

    private static Path resolve(String written, Path base) {
        try {
            if (written.toLowerCase(Locale.ROOT).startsWith("file:")) {
                return Path.of(URI.create(written)).toAbsolutePath().normalize();
            }
            return base.resolve(written).toAbsolutePath().normalize();
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            // Unreadable as a path: where it would be if it were one, which a confined policy refuses.
            return Path.of("/").resolve(written.replace('\0', '_').replace(':', '_'));
        }
    }
}
