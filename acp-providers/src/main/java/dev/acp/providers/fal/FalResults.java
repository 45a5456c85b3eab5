package dev.acp.providers.fal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.acp.error.ProviderException;
import dev.acp.pipeline.Capability;
import dev.acp.provider.Usage;
import dev.acp.providers.support.InlineMedia;
import dev.acp.providers.support.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Reads a fal model's output JSON (providers.md 1.6): where the media is, and the facts worth
 * reporting. Field names vary per model, so several shapes are tried: {@code images[0].url},
 * {@code image.url}, {@code video.url}, {@code audio.url}, the same as plain strings,
 * {@code *_url} fields, {@code output} and a top-level {@code url}; {@code data:} URIs (from
 * {@code sync_mode}) are written without a download.
 */
final class FalResults {

    /**
     * The media of an output.
     *
     * @param node the JSON object describing it (width, height, content_type, ...), or null for a bare URL
     * @param count how many media of this kind the output holds (only the first is kept)
     * @param nsfw whether fal's safety checker flagged the first image
     * @param sizes the width and height the output gives for each of the {@code count} media
     *     ({@code 0×0} where it gives none)
     */
    record Media(String url, @Nullable JsonNode node, int count, @Nullable Long fileSize, boolean nsfw,
            List<Usage.Size> sizes) {
        Media {
            sizes = List.copyOf(sizes);
        }
    }

    private FalResults() {}

    static Optional<Media> media(JsonNode output, Capability.OutputKind kind) {
        String single = switch (kind) {
            case IMAGE -> "image";
            case VIDEO -> "video";
            case AUDIO -> "audio";
            case TEXT -> "text";
        };
        List<String> fields = List.of(single + "s", single, single + "_url", single + "_file", "output", "url");
        for (String f : fields) {
            JsonNode n = output.get(f);
            if (n == null || n.isNull()) {
                continue;
            }
            Optional<Media> m = fromNode(n, output);
            if (m.isPresent()) {
                return m;
            }
        }
        // Any other field holding a file of the right kind ({"url": ..., "content_type": "video/mp4"}).
        String prefix = single + "/";
        for (Iterator<Map.Entry<String, JsonNode>> it = output.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode n = e.getValue().isArray() && !e.getValue().isEmpty() ? e.getValue().get(0) : e.getValue();
            String type = n.isObject() ? Json.text(n, "content_type") : null;
            if (type != null && type.toLowerCase(Locale.ROOT).startsWith(prefix)) {
                Optional<Media> m = fromNode(e.getValue(), output);
                if (m.isPresent()) {
                    return m;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<Media> fromNode(JsonNode n, JsonNode output) {
        int count = 1;
        JsonNode first = n;
        if (n.isArray()) {
            if (n.isEmpty()) {
                return Optional.empty();
            }
            count = n.size();
            first = n.get(0);
        }
        String url = null;
        JsonNode described = null;
        if (first.isTextual()) {
            url = first.asText();
        } else if (first.isObject()) {
            url = Json.text(first, "url");
            described = first;
        }
        if (url == null || url.isBlank()) {
            return Optional.empty();
        }
        Long size = described != null && described.path("file_size").isIntegralNumber()
                ? described.get("file_size").asLong() : null;
        JsonNode flags = output.get("has_nsfw_concepts");
        boolean nsfw = flags != null && flags.isArray() && !flags.isEmpty() && flags.get(0).asBoolean(false);
        List<Usage.Size> sizes = new ArrayList<>();
        Iterable<JsonNode> items = n.isArray() ? n : List.of(n);
        for (JsonNode item : items) {
            sizes.add(size(item));
        }
        return Optional.of(new Media(url, described, count, size, nsfw, sizes));
    }

    /** {@code {"width": 1024, "height": 768}} as a size; {@code 0×0} when either is missing or not a positive whole number. */
    private static Usage.Size size(JsonNode item) {
        JsonNode w = item.path("width");
        JsonNode h = item.path("height");
        boolean known = w.isIntegralNumber() && h.isIntegralNumber() && w.canConvertToInt() && h.canConvertToInt()
                && w.asInt() > 0 && h.asInt() > 0;
        return known ? new Usage.Size(w.asInt(), h.asInt()) : new Usage.Size(0, 0);
    }

    /** The top-level field names, for a message about an output ACP cannot read. */
    static String fieldNames(JsonNode output) {
        List<String> names = new ArrayList<>();
        output.fieldNames().forEachRemaining(names::add);
        return names.isEmpty() ? "none" : String.join(", ", names);
    }

    /**
     * Facts for the run report: seed, timings, size, safety flags, how many media fal returned, and
     * what fal bills by when the output or the step tells (fal reports no cost itself).
     */
    static Map<String, Object> metadata(JsonNode output, Media media, Capability capability, Map<String, Object> parameters) {
        Map<String, Object> m = new LinkedHashMap<>();
        putValue(m, "seed", output.get("seed"));
        JsonNode timings = output.get("timings");
        if (timings != null && timings.isObject()) {
            m.put("timings", Json.MAPPER.convertValue(timings, Map.class));
        }
        JsonNode d = media.node();
        if (d != null) {
            putValue(m, "width", d.get("width"));
            putValue(m, "height", d.get("height"));
            putValue(m, "content_type", d.get("content_type"));
            putValue(m, "file_size", d.get("file_size"));
        }
        JsonNode flags = output.get("has_nsfw_concepts");
        if (flags != null && flags.isArray()) {
            m.put("has_nsfw_concepts", Json.MAPPER.convertValue(flags, List.class));
        }
        if (output.get("prompt") != null && output.get("prompt").isTextual()) {
            m.put("prompt_used", output.get("prompt").asText());
        }
        Double seconds = seconds(output, d);
        switch (capability.outputKind()) {
            case IMAGE -> {
                m.put("images_returned", media.count());
                if (media.count() > 1) {
                    m.put("note", "fal returned " + media.count() + " images; only the first is this step's output");
                }
                m.put("billing", Map.of("unit", "image", "quantity", media.count(), "source", "output"));
            }
            case VIDEO, AUDIO -> {
                if (seconds != null) {
                    m.put("duration_s", seconds);
                    m.put("billing", Map.of("unit", "second", "quantity", seconds, "source", "output"));
                } else {
                    requestedSeconds(parameters).ifPresent(s -> m.put("billing",
                            Map.of("unit", "second", "quantity", s, "source", "request")));
                }
            }
            case TEXT -> {
                // fal text outputs are not read by this provider
            }
        }
        return m;
    }

    /** A duration the output reveals: {@code video.duration}, a top-level {@code duration}, or {@code duration_ms}. */
    static @Nullable Double seconds(JsonNode output, @Nullable JsonNode media) {
        for (JsonNode n : new JsonNode[] {media, output}) {
            if (n == null) {
                continue;
            }
            if (n.path("duration").isNumber()) {
                return n.get("duration").asDouble();
            }
            if (n.path("duration_ms").isNumber()) {
                return n.get("duration_ms").asDouble() / 1000;
            }
        }
        return null;
    }

    private static Optional<Double> requestedSeconds(Map<String, Object> parameters) {
        Object d = parameters.get("duration");
        if (d == null) {
            return Optional.empty();
        }
        return FalInput.number(d.toString().replaceAll("[sS]$", ""));
    }

    private static void putValue(Map<String, Object> m, String key, @Nullable JsonNode v) {
        if (v == null || v.isNull()) {
            return;
        }
        if (v.isIntegralNumber()) {
            m.put(key, v.asLong());
        } else if (v.isNumber()) {
            m.put(key, v.asDouble());
        } else if (v.isBoolean()) {
            m.put(key, v.asBoolean());
        } else if (v.isTextual()) {
            m.put(key, v.asText());
        }
    }

    /**
     * Writes a {@code data:<type>;base64,...} result to {@code target} (the same checks as a
     * download, {@link InlineMedia}).
     *
     * @return the number of bytes written
     */
    static long writeDataUri(String uri, Path target, long maxBytes, List<String> accepted) throws ProviderException {
        return InlineMedia.writeDataUri(uri, target, maxBytes, accepted, "fal");
    }
}
