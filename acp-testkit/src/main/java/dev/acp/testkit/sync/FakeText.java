package dev.acp.testkit.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The text of a chat or Gemini answer: what ACP's steps can use, chosen only by the request, so
 * the same body always gets the same answer. JSON is answered when JSON is asked for: scenes for
 * a schema with {@code scenes} (ACP's {@code story_to_scenes}), prompt variants for one with
 * {@code prompts} ({@code prompt_generation} with a count), an instance of any other schema;
 * otherwise plain text: an expanded prompt for an {@code Idea:}, a description for an image, an
 * echo for anything else.
 */
final class FakeText {
    private static final Pattern SCENE_COUNT = Pattern.compile("exactly (\\d{1,3}) scenes?");
    private static final Pattern VARIANT_COUNT = Pattern.compile("Write (\\d{1,3}) distinct variants|exactly (\\d{1,3}) strings");
    private static final Pattern STYLE_SENTENCE = Pattern.compile("Visual style of every image prompt: ([^\\n]+?)\\.(\\s|$)");
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+");
    private static final String[] COMPOSITION = {"wide establishing shot", "low-angle view", "close-up portrait framing",
        "rule-of-thirds composition", "symmetrical centred framing", "over-the-shoulder view"};
    private static final String[] LIGHT = {"golden hour light", "soft overcast light", "dramatic rim lighting",
        "moonlit blue tones", "warm lamplight", "crisp morning light"};
    private static final String[] MOOD = {"calm", "wistful", "hopeful", "mysterious", "tender", "quietly dramatic"};

    /**
     * What a request asks.
     *
     * @param user the user turns' text, joined
     * @param images how many images the user turns hold
     * @param schema the JSON schema asked for, or null
     * @param json whether a JSON answer is asked for (a schema, {@code json_object} or Gemini's
     *     {@code responseMimeType: application/json})
     */
    record Ask(String system, String user, int images, @Nullable JsonNode schema, boolean json) {}

    private FakeText() {}

    static String answer(Ask ask, byte[] seed) {
        if (ask.json()) {
            JsonNode schema = ask.schema();
            JsonNode props = schema == null ? null : schema.path("properties");
            if (props != null && props.has("scenes")) {
                return scenes(ask, seed).toPrettyString();
            }
            if (props != null && props.has("prompts")) {
                return variants(ask, seed).toString();
            }
            if (schema != null) {
                return instance(schema, "value", 0).toString();
            }
            return JsonNodeFactory.instance.objectNode().put("answer", plain(ask, seed)).toString();
        }
        return plain(ask, seed);
    }

    private static String plain(Ask ask, byte[] seed) {
        if (ask.images() > 0) {
            return "The image shows a " + pick(MOOD, seed, 0) + " scene around a clear central subject, in a "
                    + pick(COMPOSITION, seed, 1) + " with " + pick(LIGHT, seed, 2) + " and a muted, harmonious palette.";
        }
        String idea = line(ask.user(), "Idea: ");
        if (idea != null) {
            return prompt(idea, line(ask.user(), "Style: "), seed, 0);
        }
        return "Fake answer: " + words(ask.user().strip(), 40);
    }

    /** One image prompt from an idea, in at most about 80 words as ACP's system prompt asks. */
    private static String prompt(String idea, @Nullable String style, byte[] seed, int variant) {
        return words(idea.strip().replaceAll("[.\\s]+$", ""), 50) + (style == null ? "" : ", " + style + " style")
                + ", " + pick(COMPOSITION, seed, variant) + ", " + pick(LIGHT, seed, variant + 1) + ", "
                + pick(MOOD, seed, variant + 2) + " mood, highly detailed";
    }

    private static ObjectNode variants(Ask ask, byte[] seed) {
        int count = Math.max(1, Math.min(10, number(VARIANT_COUNT, ask.user(), 3)));
        String idea = line(ask.user(), "Idea: ");
        String style = line(ask.user(), "Style: ");
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ArrayNode list = root.putArray("prompts");
        for (int i = 0; i < count; i++) {
            // The variant number keeps them distinct when the word lists repeat.
            list.add(prompt(idea == null ? words(ask.user(), 30) : idea, style, seed, i) + ", variant " + (i + 1));
        }
        return root;
    }

    /** {@code {"scenes":[{title, description, image_prompt, narration, duration}]}} (ACP's SceneSchema). */
    private static ObjectNode scenes(Ask ask, byte[] seed) {
        String user = ask.user();
        int at = user.lastIndexOf("Story:\n");
        String story = (at < 0 ? user : user.substring(at + "Story:\n".length())).strip();
        List<String> sentences = new ArrayList<>(Arrays.stream(SENTENCE_END.split(story)).map(String::strip)
                .filter(s -> !s.isEmpty()).toList());
        if (sentences.isEmpty()) {
            sentences.add("A quiet moment passes.");
        }
        int count = number(SCENE_COUNT, user, Math.max(1, Math.min(8, Math.max(Math.min(3, sentences.size()),
                (sentences.size() + 2) / 3))));
        count = Math.max(1, Math.min(50, count));
        Matcher style = STYLE_SENTENCE.matcher(user);
        String look = style.find() ? style.group(1).strip() + " style, " : "";
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ArrayNode list = root.putArray("scenes");
        int n = sentences.size();
        for (int i = 0; i < count; i++) {
            List<String> group = count <= n ? sentences.subList(i * n / count, (i + 1) * n / count)
                    : List.of(sentences.get(i % n));
            String narration = String.join(" ", group);
            int words = narration.split("\\s+").length;
            list.addObject()
                    .put("title", "Scene " + (i + 1) + ": " + words(narration.replaceAll("[^\\p{L}\\p{N}\\s'-]", ""), 4))
                    .put("description", group.getFirst())
                    .put("image_prompt", look + words(narration, 40) + ", " + pick(COMPOSITION, seed, i) + ", "
                            + pick(LIGHT, seed, i + 1) + ", detailed illustration")
                    .put("narration", narration)
                    // 150 words a minute, at least 3 seconds, to the half second.
                    .put("duration", Math.max(3.0, Math.ceil(words * 0.4 * 2) / 2));
        }
        return root;
    }

    /** A value that fits a JSON schema: every property, one array item, the first enum value. */
    static JsonNode instance(JsonNode schema, String name, int depth) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        JsonNode values = schema.path("enum");
        if (values.isArray() && !values.isEmpty()) {
            return values.get(0);
        }
        JsonNode typeNode = schema.path("type");
        String type = typeNode.isArray() && !typeNode.isEmpty() ? typeNode.get(0).asText() : typeNode.asText("");
        type = type.toLowerCase(Locale.ROOT);
        if (type.isEmpty()) {
            type = schema.has("properties") ? "object" : schema.has("items") ? "array" : "string";
        }
        if (depth > 8) {
            return f.nullNode();
        }
        return switch (type) {
            case "object" -> {
                ObjectNode o = f.objectNode();
                schema.path("properties").properties().forEach(e ->
                        o.set(e.getKey(), instance(e.getValue(), e.getKey(), depth + 1)));
                yield o;
            }
            case "array" -> {
                ArrayNode a = f.arrayNode();
                int items = Math.max(1, Math.min(3, schema.path("minItems").asInt(1)));
                for (int i = 0; i < items; i++) {
                    a.add(instance(schema.path("items"), name, depth + 1));
                }
                yield a;
            }
            case "integer" -> f.numberNode(Math.max(1, schema.path("minimum").asLong(1)));
            case "number" -> f.numberNode(Math.max(1.0, schema.path("minimum").asDouble(1.0)));
            case "boolean" -> f.booleanNode(true);
            case "null" -> f.nullNode();
            default -> f.textNode("fake " + name.replace('_', ' '));
        };
    }

    /** The rest of the first line starting with {@code prefix}, or null. */
    private static @Nullable String line(String text, String prefix) {
        for (String l : text.split("\n")) {
            if (l.startsWith(prefix) && l.length() > prefix.length()) {
                return l.substring(prefix.length()).strip();
            }
        }
        return null;
    }

    private static int number(Pattern p, String text, int fallback) {
        Matcher m = p.matcher(text);
        if (!m.find()) {
            return fallback;
        }
        String n = m.group(1) != null ? m.group(1) : m.groupCount() > 1 ? m.group(2) : null;
        return n == null ? fallback : Integer.parseInt(n);
    }

    private static String words(String text, int max) {
        String[] w = text.strip().split("\\s+");
        return w.length <= max ? String.join(" ", w) : String.join(" ", Arrays.copyOf(w, max));
    }

    private static String pick(String[] options, byte[] seed, int i) {
        return options[Math.floorMod(seed[Math.floorMod(i, seed.length)] + i, options.length)];
    }
}
