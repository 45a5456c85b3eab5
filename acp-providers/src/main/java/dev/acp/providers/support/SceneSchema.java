package dev.acp.providers.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The one shape of {@code story_to_scenes} output, shared by every provider that asks a language
 * model for scenes (OpenRouter, OpenAI-compatible servers, later Gemini) and by the steps that
 * consume them: {@code {"scenes":[{"title","description","image_prompt","narration","duration"}]}}.
 * It gives the JSON Schema for structured-output requests, the same shape in words for prompts
 * (servers that ignore the schema), and a tolerant parser that says exactly what is wrong.
 */
public final class SceneSchema {
    /** The schema's name in {@code response_format} ({@code [a-zA-Z0-9_-]}, at most 64 characters). */
    public static final String NAME = "story_scenes";
    /** The longest scene duration accepted, in seconds; longer ones are a model's mistake. */
    public static final double MAX_DURATION_SECONDS = 600;

    private static final List<String> TEXT_FIELDS = List.of("title", "description", "image_prompt", "narration");

    private SceneSchema() {}

    /**
     * One scene.
     *
     * @param imagePrompt a self-contained prompt for an image model
     * @param narration the words spoken over the scene
     * @param duration seconds on screen, positive
     */
    public record Scene(String title, String description, String imagePrompt, String narration, double duration) {
        public Scene {
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(description, "description");
            Objects.requireNonNull(imagePrompt, "imagePrompt");
            Objects.requireNonNull(narration, "narration");
            if (!(duration > 0) || duration > MAX_DURATION_SECONDS) {
                throw new IllegalArgumentException("duration must be in (0, " + MAX_DURATION_SECONDS + "]: " + duration);
            }
        }
    }

    /** The outcome of reading a model's answer. */
    public sealed interface Parsed permits Valid, Invalid {}

    /** The answer held at least one well-formed scene. */
    public record Valid(List<Scene> scenes) implements Parsed {
        public Valid {
            scenes = List.copyOf(scenes);
        }
    }

    /**
     * The answer was not usable.
     *
     * @param notJson true when the answer is not JSON at all (as opposed to JSON of the wrong shape)
     * @param reason one line naming the first problem, for example {@code scene 2: duration is missing}
     */
    public record Invalid(boolean notJson, String reason) implements Parsed {}

    /**
     * The JSON Schema of the answer, strict-mode compatible (every property required, no others),
     * as a fresh tree the caller may embed.
     */
    public static ObjectNode jsonSchema() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode scene = f.objectNode().put("type", "object");
        ObjectNode props = scene.putObject("properties");
        props.putObject("title").put("type", "string").put("description", "a short title, at most six words");
        props.putObject("description").put("type", "string")
                .put("description", "what happens in the scene, one to three sentences");
        props.putObject("image_prompt").put("type", "string").put("description",
                "a self-contained prompt for an image model: subject, setting, composition, lighting, style");
        props.putObject("narration").put("type", "string").put("description", "the words spoken over the scene");
        props.putObject("duration").put("type", "number")
                .put("description", "seconds on screen, long enough to speak the narration calmly");
        ArrayNode required = scene.putArray("required");
        TEXT_FIELDS.forEach(required::add);
        required.add("duration");
        scene.put("additionalProperties", false);

        ObjectNode root = f.objectNode().put("type", "object");
        ObjectNode scenes = root.putObject("properties").putObject("scenes").put("type", "array");
        scenes.set("items", scene);
        root.putArray("required").add("scenes");
        root.put("additionalProperties", false);
        return root;
    }

    /** The same shape in words, for the instructions of a prompt. */
    public static String describe() {
        return "Answer with JSON only, no prose and no markdown: {\"scenes\": [{\"title\": string (at most six words),"
                + " \"description\": string (what happens, one to three sentences), \"image_prompt\": string"
                + " (a self-contained prompt for an image model: subject, setting, composition, lighting, style),"
                + " \"narration\": string (the words spoken over the scene), \"duration\": number (seconds on"
                + " screen, long enough to speak the narration calmly)}]}.";
    }

    /**
     * Reads a model's answer. Tolerated: a Markdown code fence around the JSON, prose before or
     * after it, a bare array instead of {@code {"scenes": [...]}}, durations written as numeric
     * strings, and extra fields (dropped). Everything else is reported.
     */
    public static Parsed parse(String answer) {
        JsonNode root = readJson(answer);
        if (root == null) {
            return new Invalid(true, "the answer is not JSON: " + excerpt(answer));
        }
        JsonNode list = root.isArray() ? root : root.get("scenes");
        if (list == null || !list.isArray()) {
            return new Invalid(false, "the answer has no \"scenes\" list: " + excerpt(answer));
        }
        if (list.isEmpty()) {
            return new Invalid(false, "the answer has no scenes");
        }
        List<Scene> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode s = list.get(i);
            String at = "scene " + (i + 1) + ": ";
            if (!s.isObject()) {
                return new Invalid(false, at + "is not an object");
            }
            List<String> texts = new ArrayList<>();
            for (String field : TEXT_FIELDS) {
                JsonNode v = s.get(field);
                if (v == null || v.isNull()) {
                    return new Invalid(false, at + field + " is missing");
                }
                if (!v.isTextual() || v.asText().isBlank()) {
                    return new Invalid(false, at + field + " must be non-empty text");
                }
                texts.add(v.asText().strip());
            }
            JsonNode d = s.get("duration");
            if (d == null || d.isNull()) {
                return new Invalid(false, at + "duration is missing");
            }
            double seconds;
            if (d.isNumber()) {
                seconds = d.asDouble();
            } else if (d.isTextual() && d.asText().strip().matches("\\d+(\\.\\d+)?")) {
                seconds = Double.parseDouble(d.asText().strip());
            } else {
                return new Invalid(false, at + "duration must be a number of seconds, found " + d);
            }
            if (!(seconds > 0) || seconds > MAX_DURATION_SECONDS) {
                return new Invalid(false, at + "duration must be between 0 and " + (int) MAX_DURATION_SECONDS
                        + " seconds, found " + d);
            }
            out.add(new Scene(texts.get(0), texts.get(1), texts.get(2), texts.get(3), seconds));
        }
        return new Valid(out);
    }

    /** The scenes in the canonical shape, pretty-printed. */
    public static String toJson(List<Scene> scenes) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ArrayNode list = root.putArray("scenes");
        for (Scene s : scenes) {
            ObjectNode o = list.addObject()
                    .put("title", s.title())
                    .put("description", s.description())
                    .put("image_prompt", s.imagePrompt())
                    .put("narration", s.narration());
            if (s.duration() == Math.rint(s.duration())) {
                o.put("duration", (long) s.duration());
            } else {
                o.put("duration", s.duration());
            }
        }
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write scenes", e);
        }
    }

    /** The JSON in an answer, or null: as is, inside a code fence, or between the outermost brackets. */
    private static @Nullable JsonNode readJson(String answer) {
        String text = stripFence(answer.strip());
        JsonNode n = tryRead(text);
        if (n != null) {
            return n;
        }
        int open = indexOfFirst(text, '{', '[');
        int close = Math.max(text.lastIndexOf('}'), text.lastIndexOf(']'));
        return open >= 0 && close > open ? tryRead(text.substring(open, close + 1)) : null;
    }

    /** Text inside a Markdown code fence, or the text itself. */
    static String stripFence(String text) {
        if (!text.startsWith("```")) {
            return text;
        }
        int firstLine = text.indexOf('\n');
        int end = text.lastIndexOf("```");
        if (firstLine < 0 || end <= firstLine) {
            return text;
        }
        return text.substring(firstLine + 1, end).strip();
    }

    private static @Nullable JsonNode tryRead(String text) {
        if (text.isEmpty()) {
            return null;
        }
        try {
            JsonNode n = Json.MAPPER.readTree(text);
            return n == null || n.isMissingNode() || !(n.isObject() || n.isArray()) ? null : n;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static int indexOfFirst(String text, char a, char b) {
        int i = text.indexOf(a);
        int j = text.indexOf(b);
        return i < 0 ? j : j < 0 ? i : Math.min(i, j);
    }

    private static String excerpt(String text) {
        String t = text.replaceAll("\\s+", " ").trim();
        return t.isEmpty() ? "(empty)" : t.length() <= 120 ? t : t.substring(0, 117) + "...";
    }
}
