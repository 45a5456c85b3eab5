package dev.acp.providers.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    /** Speaking pace used to estimate a missing duration. */
    public static final int WORDS_PER_MINUTE = 150;
    /** The shortest estimated duration, so a one-word scene is still seen. */
    public static final double MIN_ESTIMATED_SECONDS = 2;

    private static final List<String> TEXT_FIELDS = List.of("title", "description", "image_prompt", "narration");
    /** A duration written as text: {@code 6}, {@code 6.5}, {@code 6s}, {@code 6 sec}, {@code 6 seconds}. */
    private static final Pattern SECONDS =
            Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(?:s|secs?|seconds?)?", Pattern.CASE_INSENSITIVE);
    /** Cut points tried when closing a cut-off answer; bounds the work on a long, broken answer. */
    private static final int MAX_CUT_OFF_TRIES = 64;

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

    /**
     * The answer held at least one well-formed scene.
     *
     * @param dropped one line per scene left out and why, for example {@code scene 3: image_prompt is missing}
     * @param notes what was repaired or estimated to read the answer, one line each
     */
    public record Valid(List<Scene> scenes, List<String> dropped, List<String> notes) implements Parsed {
        public Valid {
            scenes = List.copyOf(scenes);
            dropped = List.copyOf(dropped);
            notes = List.copyOf(notes);
            if (scenes.isEmpty()) {
                throw new IllegalArgumentException("a valid answer has at least one scene");
            }
        }

        /** Scenes read as they were written, nothing dropped or repaired. */
        public Valid(List<Scene> scenes) {
            this(scenes, List.of(), List.of());
        }
    }

    /**
     * The answer was not usable.
     *
     * @param notJson true when the answer is not JSON at all (as opposed to JSON of the wrong shape)
     * @param reason one line naming the first problem, for example {@code scene 2: image_prompt is missing}
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
     * Reads a model's answer, repairing locally what can be repaired without inventing text:
     * a Markdown code fence, prose around the JSON, trailing commas, an answer cut off mid-JSON
     * (the complete scenes before the cut are kept), a bare array or the scene list under another
     * top-level key instead of {@code "scenes"}, durations written as strings ({@code "6"},
     * {@code "6s"}), and extra fields (dropped). A missing duration is estimated from the
     * narration at {@value #WORDS_PER_MINUTE} words per minute (at least
     * {@value #MIN_ESTIMATED_SECONDS} s) with a note. A scene that is still not usable (a text
     * field missing or empty, a duration out of range) is dropped and named in
     * {@link Valid#dropped()}; an answer with no usable scene is {@link Invalid}, naming the first
     * problem.
     */
    public static Parsed parse(String answer) {
        List<String> notes = new ArrayList<>();
        JsonNode root = readJson(answer, notes);
        if (root == null) {
            return new Invalid(true, "the answer is not JSON: " + excerpt(answer));
        }
        JsonNode list = sceneList(root, notes);
        if (list == null) {
            return new Invalid(false, "the answer has no \"scenes\" list: " + excerpt(answer));
        }
        if (list.isEmpty()) {
            return new Invalid(false, "the answer has no scenes");
        }
        List<Scene> out = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String at = "scene " + (i + 1) + ": ";
            try {
                out.add(scene(list.get(i), at, notes));
            } catch (SceneProblem e) {
                dropped.add(at + e.getMessage());
            }
        }
        if (out.isEmpty()) {
            return new Invalid(false, dropped.getFirst()
                    + (dropped.size() > 1 ? " (and " + (dropped.size() - 1) + " more unusable scenes)" : ""));
        }
        return new Valid(out, dropped, notes);
    }

    /**
     * What a step reports about its scenes: count, total duration, and {@code dropped_scenes} and
     * one {@code note} when something was dropped, repaired, estimated, or the count differs from
     * {@code asked}. A different count is kept, never trimmed or failed: more scenes than asked
     * usually means the model split a long passage finer, and cutting the tail would lose the
     * end of the story; fewer is still a usable storyboard. The note lets the user ask again.
     */
    public static Map<String, Object> metadata(Valid valid, OptionalInt asked) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scenes", valid.scenes().size());
        m.put("total_duration_seconds", valid.scenes().stream().mapToDouble(Scene::duration).sum());
        List<String> notes = new ArrayList<>();
        if (asked.isPresent() && asked.getAsInt() != valid.scenes().size()) {
            notes.add("asked for " + asked.getAsInt() + " scenes, the model wrote " + valid.scenes().size());
        }
        if (!valid.dropped().isEmpty()) {
            m.put("dropped_scenes", valid.dropped().size());
            notes.add("dropped " + valid.dropped().size() + " unusable scene" + (valid.dropped().size() == 1 ? "" : "s")
                    + " (" + String.join("; ", valid.dropped()) + ")");
        }
        notes.addAll(valid.notes());
        if (!notes.isEmpty()) {
            m.put("note", String.join("; ", notes));
        }
        return m;
    }

    /** Why one scene cannot be used; caught per scene so the others are kept. */
    private static final class SceneProblem extends Exception {
        SceneProblem(String message) {
            super(message, null, false, false);
        }
    }

    private static Scene scene(JsonNode s, String at, List<String> notes) throws SceneProblem {
        if (!s.isObject()) {
            throw new SceneProblem("is not an object");
        }
        List<String> texts = new ArrayList<>();
        for (String field : TEXT_FIELDS) {
            JsonNode v = s.get(field);
            if (v == null || v.isNull()) {
                throw new SceneProblem(field + " is missing");
            }
            if (!v.isTextual() || v.asText().isBlank()) {
                throw new SceneProblem(field + " must be non-empty text");
            }
            texts.add(v.asText().strip());
        }
        JsonNode d = s.get("duration");
        double seconds;
        if (d == null || d.isNull()) {
            seconds = estimateSeconds(texts.get(3));
            notes.add(at + "duration missing, estimated " + seconds + " s from the narration at "
                    + WORDS_PER_MINUTE + " words per minute");
        } else if (d.isNumber()) {
            seconds = d.asDouble();
        } else if (d.isTextual() && SECONDS.matcher(d.asText().strip()).matches()) {
            Matcher m = SECONDS.matcher(d.asText().strip());
            m.matches();
            seconds = Double.parseDouble(m.group(1));
        } else {
            throw new SceneProblem("duration must be a number of seconds, found " + d);
        }
        if (!(seconds > 0) || seconds > MAX_DURATION_SECONDS) {
            throw new SceneProblem("duration must be between 0 and " + (int) MAX_DURATION_SECONDS
                    + " seconds, found " + d);
        }
        return new Scene(texts.get(0), texts.get(1), texts.get(2), texts.get(3), seconds);
    }

    /** Seconds to speak {@code narration} calmly, to a tenth of a second. */
    static double estimateSeconds(String narration) {
        String t = narration.strip();
        int words = t.isEmpty() ? 0 : t.split("\\s+").length;
        double seconds = Math.ceil(words * 600.0 / WORDS_PER_MINUTE) / 10;
        return Math.min(MAX_DURATION_SECONDS, Math.max(MIN_ESTIMATED_SECONDS, seconds));
    }

    /**
     * The scene list: the root when it is an array, its {@code scenes}, or else the first
     * top-level field holding a list of objects (models write {@code storyboard}, {@code items}...).
     */
    private static @Nullable JsonNode sceneList(JsonNode root, List<String> notes) {
        if (root.isArray()) {
            return root;
        }
        JsonNode scenes = root.get("scenes");
        if (scenes != null) {
            return scenes.isArray() ? scenes : null;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (v.isArray() && !v.isEmpty() && v.get(0).isObject()) {
                notes.add("read the scenes from \"" + e.getKey() + "\" instead of \"scenes\"");
                return v;
            }
        }
        return null;
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

    /**
     * The JSON in an answer, or null: as is, inside a code fence, between the outermost brackets,
     * without trailing commas, or, for an answer cut off mid-JSON, up to the last complete value
     * with the open brackets closed. Each repair beyond the fence adds a note.
     */
    private static @Nullable JsonNode readJson(String answer, List<String> notes) {
        String text = stripFence(answer.strip());
        JsonNode n = tryRead(text);
        if (n != null) {
            return n;
        }
        int open = indexOfFirst(text, '{', '[');
        if (open < 0) {
            return null;
        }
        int close = Math.max(text.lastIndexOf('}'), text.lastIndexOf(']'));
        String inside = close > open ? text.substring(open, close + 1) : text.substring(open);
        n = tryRead(inside);
        if (n != null) {
            return n;
        }
        String noCommas = withoutTrailingCommas(inside);
        n = tryRead(noCommas);
        if (n != null) {
            notes.add("removed trailing commas from the answer");
            return n;
        }
        n = closeCutOff(withoutTrailingCommas(text.substring(open)));
        if (n != null) {
            notes.add("the answer was cut off mid-JSON; kept the complete scenes before the cut");
        }
        return n;
    }

    /** {@code json} without commas directly before a closing bracket, strings left alone. */
    static String withoutTrailingCommas(String json) {
        StringBuilder out = new StringBuilder(json.length());
        boolean inString = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                out.append(c);
                if (c == '\\' && i + 1 < json.length()) {
                    out.append(json.charAt(++i));
                } else if (c == '"') {
                    inString = false;
                }
                continue;
            }
            if (c == '"') {
                inString = true;
            } else if (c == '}' || c == ']') {
                int j = out.length() - 1;
                while (j >= 0 && Character.isWhitespace(out.charAt(j))) {
                    j--;
                }
                if (j >= 0 && out.charAt(j) == ',') {
                    out.deleteCharAt(j);
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    /**
     * An answer cut off mid-JSON, read up to the last bracket that closed a complete value, with
     * the brackets still open there closed. The value being written at the cut is lost on purpose:
     * half a scene would be invented text. Tries the latest cut points first, a bounded number.
     */
    private static @Nullable JsonNode closeCutOff(String json) {
        List<Integer> ends = new ArrayList<>();
        List<String> closers = new ArrayList<>();
        StringBuilder stack = new StringBuilder();
        boolean inString = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
                continue;
            }
            switch (c) {
                case '"' -> inString = true;
                case '{' -> stack.append('}');
                case '[' -> stack.append(']');
                case '}', ']' -> {
                    if (stack.isEmpty() || stack.charAt(stack.length() - 1) != c) {
                        return null;
                    }
                    stack.setLength(stack.length() - 1);
                    if (stack.isEmpty()) {
                        return null; // complete JSON that still did not parse: not a cut-off
                    }
                    ends.add(i + 1);
                    closers.add(new StringBuilder(stack).reverse().toString());
                }
                default -> {}
            }
        }
        for (int k = ends.size() - 1; k >= Math.max(0, ends.size() - MAX_CUT_OFF_TRIES); k--) {
            JsonNode n = tryRead(json.substring(0, ends.get(k)) + closers.get(k));
            if (n != null) {
                return n;
            }
        }
        return null;
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
