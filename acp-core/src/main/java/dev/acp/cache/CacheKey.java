package dev.acp.cache;

import dev.acp.util.Hashing;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.acp.pipeline.Capability;
import dev.acp.util.JsonMappers;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What determines a step's output, and its hash: capability, provider (and the provider's
 * revision), model, every parameter in a normalised form, the content hash of every input file,
 * and the output format. Two steps with equal keys would pay for the same thing twice.
 *
 * @param parts the key's parts by name ("model", "param.prompt", "input.image", ...), each a
 *     canonical string; kept so that a changed key can be explained part by part
 */
public record CacheKey(String hash, Map<String, String> parts) {
    /** Bumped when the key's composition changes, so that old entries are not misread. */
    static final String FORMAT = "2";

    private static final ObjectMapper CANONICAL = JsonMappers.objectMapper()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    public CacheKey {
        parts = java.util.Collections.unmodifiableMap(new TreeMap<>(parts));
    }

    /**
     * Computes the key of a step call.
     *
     * @param fileParameters names of parameters that hold files; local files are keyed by content
     *     (a missing one is an error). Any other string, at any depth of lists and maps, that names
     *     an existing local file (the clips of {@code assemble_video}, say) is keyed by content too,
     *     so that editing an input file can never be answered with a stale cached output.
     */
    public static CacheKey of(Capability capability, String provider, String providerRevision, @Nullable String model,
            Map<String, Object> parameters, Set<String> fileParameters, String outputExtension, FileHashes hashes)
            throws IOException {
        Map<String, String> parts = new TreeMap<>();
        parts.put("format", FORMAT);
        parts.put("capability", capability.wireName());
        parts.put("provider", provider);
        parts.put("provider_revision", providerRevision);
        parts.put("model", model == null ? "" : model);
        parts.put("output_format", outputExtension);
        for (var e : parameters.entrySet()) {
            String name = e.getKey();
            if (name.equals("model")) {
                continue;
            }
            Object value = e.getValue();
            if (fileParameters.contains(name) && value instanceof String s && isLocalPath(s)) {
                parts.put("input." + name, hashes.sha256(Path.of(s)));
            } else {
                parts.put("param." + name, canonical(value));
                hashNestedFiles(name, value, parts, hashes);
            }
        }
        return new CacheKey(Hashing.sha256(canonical(parts)), parts);
    }

    /** Adds {@code input.<where>} parts for strings inside {@code value} that name local files. */
    private static void hashNestedFiles(String where, @Nullable Object value, Map<String, String> parts,
            FileHashes hashes) throws IOException {
        switch (value) {
            case String s when mayBeLocalFile(s) -> {
                Path p;
                try {
                    p = Path.of(s);
                } catch (InvalidPathException e) {
                    return;
                }
                if (Files.isRegularFile(p)) {
                    parts.put("input." + where, hashes.sha256(p));
                } else if (Files.isDirectory(p)) {
                    // A folder (a vector index): what is in it now, so a changed index re-runs the step.
                    parts.put("folder." + where, FolderListing.sha256(p));
                }
            }
            case List<?> l -> {
                for (int i = 0; i < l.size(); i++) {
                    hashNestedFiles(where + "[" + i + "]", l.get(i), parts, hashes);
                }
            }
            case Map<?, ?> m -> {
                for (var e : m.entrySet()) {
                    hashNestedFiles(where + "." + e.getKey(), e.getValue(), parts, hashes);
                }
            }
            case null, default -> {
                // Numbers, booleans and text that is not a file name are keyed by value alone.
            }
        }
    }

    private static boolean isLocalPath(String s) {
        return !(s.startsWith("http://") || s.startsWith("https://") || s.startsWith("data:"));
    }

    /** Cheap checks first: prompts and URLs are not looked up on disk. */
    private static boolean mayBeLocalFile(String s) {
        return !s.isEmpty() && s.length() <= 4096 && isLocalPath(s) && s.indexOf('\n') < 0 && s.indexOf('\0') < 0
                && !s.isBlank();
    }

    /** JSON with sorted keys and numbers without trailing zeros: 6, 6.0 and 6.00 are one value. */
    static String canonical(@Nullable Object value) {
        try {
            return CANONICAL.writeValueAsString(normalise(value));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("a parameter cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static @Nullable Object normalise(@Nullable Object value) {
        if (value instanceof Double dd && !Double.isFinite(dd) || value instanceof Float ff && !Float.isFinite(ff)) {
            return value.toString();
        }
        if (value instanceof Number n) {
            BigDecimal d = new BigDecimal(n.toString()).stripTrailingZeros();
            return d.scale() <= 0 ? (Object) d.toBigIntegerExact() : (Object) d;
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new TreeMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), normalise(v)));
            return out;
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(v -> out.add(normalise(v)));
            return out;
        }
        return value;
    }

    /**
     * Why this key differs from an earlier one, in words ("prompt changed", "input image has new
     * content", "model changed"), or null when they are equal.
     */
    public @Nullable String explainChange(Map<String, String> previous) {
        List<String> reasons = new ArrayList<>();
        TreeMap<String, String> all = new TreeMap<>(previous);
        all.putAll(parts);
        for (String name : all.keySet()) {
            String before = previous.get(name);
            String now = parts.get(name);
            if (java.util.Objects.equals(before, now) || name.equals("format")) {
                continue;
            }
            String label = name.startsWith("param.") ? name.substring(6)
                    : name.startsWith("input.") ? "input " + name.substring(6)
                    : name.replace('_', ' ');
            if (before == null) {
                reasons.add(label + " added");
            } else if (now == null) {
                reasons.add(label + " removed");
            } else if (name.startsWith("input.")) {
                reasons.add(label + " has new content");
            } else {
                reasons.add(label + " changed");
            }
        }
        return reasons.isEmpty() ? null : String.join(", ", reasons);
    }
}
