package dev.acp.providers.google;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.pipeline.Capability;
import dev.acp.providers.google.internal.GenerateContentResponse;
import dev.acp.providers.support.Json;
import dev.acp.providers.support.RepairMemory;
import dev.acp.providers.support.SceneSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;

/**
 * The three text tasks on Gemini's {@code generateContent} (providers.md 6.2): what each reads
 * from a step, the request it sends, and how it reads the answer.
 *
 * <ul>
 *   <li>{@code prompt_generation}: an idea ({@code prompt}, {@code topic} or {@code text}) in a
 *       {@code style} expanded into one prompt; with {@code count} above 1, a JSON list of
 *       variants through {@code responseJsonSchema}, returned one per numbered line;
 *   <li>{@code image_understanding}: a question ({@code prompt} or {@code question}, by default
 *       "describe") about one {@code image} (or video), sent inline or through the Files API;
 *   <li>{@code story_to_scenes}: a {@code story} split into {@link SceneSchema} scenes, asked for
 *       with {@code responseMimeType: application/json} and the schema as
 *       {@code responseJsonSchema}, validated and returned as canonical JSON.
 * </ul>
 *
 * <p>Sampling: {@code temperature}, {@code top_p}, {@code top_k}, {@code max_tokens}
 * ({@code maxOutputTokens}) and {@code system} ({@code systemInstruction}) for all three.
 */
final class GeminiText {
    static final int MAX_COUNT = 10;
    static final int MAX_SCENES = 50;
    static final String PROMPT_SYSTEM = "You write prompts for image and video generation models. Expand the idea you"
            + " are given into a vivid, specific prompt: subject, setting, composition, lighting, mood and style,"
            + " in one paragraph of at most 80 words. Answer with the prompt only: no preamble, no quotation"
            + " marks, no markdown.";
    static final String SCENES_SYSTEM = "You are a storyboard writer. You split stories into scenes for an"
            + " illustrated, narrated video. Each scene gets an image prompt that stands on its own (describe"
            + " characters and places again instead of naming them only), and narration that is faithful to the"
            + " story.";
    static final String DEFAULT_QUESTION = "Describe this image in detail: subject, setting, composition, colours,"
            + " lighting and mood.";
    static final String[] IMAGE_KEYS = {"image", "image_url", "image_path"};

    /** Finish reasons that mean a filter stopped the answer. */
    static final Set<String> POLICY_STOPS = Set.of("SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII",
            "IMAGE_SAFETY");
    private static final Set<String> COMMON = Set.of("model", "system", "max_tokens", "temperature", "top_p", "top_k");
    private static final Pattern FENCE = Pattern.compile("^```[\\w-]*\\s*\\n(.*?)\\n?```$", Pattern.DOTALL);

    /** Turns an input reference into a request part; not called while checking. */
    @FunctionalInterface
    interface Parts {
        ObjectNode part(String ref, String parameter, Map<String, Object> metadata)
                throws ProviderException, InterruptedException;
    }

    /** The request body and what the task adds to the report. */
    record Prepared(ObjectNode body, Map<String, Object> metadata) {}

    /** The step's text and metadata. */
    record Answer(String text, Map<String, Object> metadata) {}

    private GeminiText() {}

    static Set<String> parameters(Capability capability) {
        Set<String> all = new TreeSet<>(COMMON);
        switch (capability) {
            case PROMPT_GENERATION -> all.addAll(List.of("prompt", "topic", "text", "style", "count"));
            case IMAGE_UNDERSTANDING -> all.addAll(List.of("image", "image_url", "image_path", "prompt", "question"));
            case STORY_TO_SCENES -> all.addAll(List.of("story", "text", "num_scenes", "style"));
            default -> {
                return Set.of();
            }
        }
        return Set.copyOf(all);
    }

    /**
     * Reads the step and builds the request. While checking, problems go to {@code p} and input
     * files are left alone; at execution, {@code parts} reads them.
     */
    static Prepared prepare(Capability capability, Params p, @Nullable Parts parts)
            throws ProviderException, InterruptedException {
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode userParts = body.putArray("contents").addObject().put("role", "user").putArray("parts");
        ObjectNode config = JsonNodeFactory.instance.objectNode();
        Map<String, Object> metadata = new LinkedHashMap<>();
        String system = null;
        switch (capability) {
            case PROMPT_GENERATION -> {
                String idea = p.required("prompt_generation needs an idea to expand", "set config.prompt (or topic)",
                        "prompt", "topic", "text");
                String style = p.text("style").orElse(null);
                int count = p.integer("count", 1, MAX_COUNT).orElse(1);
                StringBuilder user = new StringBuilder("Idea: ").append(idea);
                if (style != null) {
                    user.append("\nStyle: ").append(style);
                }
                if (count > 1) {
                    user.append("\n\nWrite ").append(count).append(" distinct variants, each a complete prompt on its"
                            + " own. Answer with JSON only: {\"prompts\": [\"...\", ...]} holding exactly ")
                            .append(count).append(" strings.");
                    config.put("responseMimeType", "application/json");
                    config.set("responseJsonSchema", variantsSchema());
                }
                userParts.addObject().put("text", user.toString());
                system = p.text("system").orElse(PROMPT_SYSTEM);
                metadata.put("style", style == null ? "none" : style);
            }
            case IMAGE_UNDERSTANDING -> {
                String image = p.required("image_understanding needs an image", "set config.image to an image file or URL",
                        IMAGE_KEYS);
                String key = p.presentKey(IMAGE_KEYS);
                String question = p.text("prompt", "question").orElse(DEFAULT_QUESTION);
                if (!image.isEmpty() && !p.anyDeferred(IMAGE_KEYS) && !image.startsWith("data:")
                        && GeminiFiles.mediaType(image).isEmpty() && !GeminiFiles.remote(image)) {
                    p.issue(key, "'" + image + "' is not a format Gemini reads (" + String.join(", ",
                            new TreeSet<>(GeminiFiles.TYPES.keySet())) + ")", "convert it to PNG, JPEG or MP4");
                }
                if (!p.checking() && p.issues().isEmpty()) {
                    // Media first, then the question: Google's advice for a single image.
                    userParts.add(parts == null ? JsonNodeFactory.instance.objectNode()
                            : parts.part(image, key == null ? "image" : key, metadata));
                }
                userParts.addObject().put("text", question);
                system = p.text("system").orElse(null);
                metadata.put("image_source", image.startsWith("data:") ? "data uri"
                        : GeminiFiles.remote(image) ? "url" : "file");
                metadata.put("question", p.text("prompt", "question").isPresent() ? "given" : "default (describe)");
            }
            case STORY_TO_SCENES -> {
                String story = p.required("story_to_scenes needs a story", "set config.story to the story or script",
                        "story", "text");
                OptionalInt scenes = p.integer("num_scenes", 1, MAX_SCENES);
                StringBuilder user = new StringBuilder();
                user.append(scenes.isPresent() ? "Split the story into exactly " + scenes.getAsInt() + " scene"
                        + (scenes.getAsInt() == 1 ? "" : "s") + "."
                        : "Split the story into as many scenes as it needs, usually 3 to 8.");
                p.text("style").ifPresent(s -> user.append(" Visual style of every image prompt: ").append(s).append('.'));
                user.append("\n\n").append(SceneSchema.describe()).append("\n\nStory:\n").append(story);
                userParts.addObject().put("text", user.toString());
                config.put("responseMimeType", "application/json");
                config.set("responseJsonSchema", SceneSchema.jsonSchema());
                system = p.text("system").orElse(SCENES_SYSTEM);
            }
            default -> throw new IllegalArgumentException("Gemini does not do " + capability.wireName());
        }
        p.number("temperature", 0, 2).ifPresent(t -> config.put("temperature", t));
        p.number("top_p", 0, 1).ifPresent(t -> config.put("topP", t));
        p.integer("top_k", 1, 1000).ifPresent(k -> config.put("topK", k));
        p.integer("max_tokens", 1, 1_000_000).ifPresent(m -> config.put("maxOutputTokens", m));
        if (system != null) {
            body.putObject("systemInstruction").putArray("parts").addObject().put("text", system);
        }
        if (!config.isEmpty()) {
            body.set("generationConfig", config);
        }
        return new Prepared(body, metadata);
    }

    /** The step's answer from a successful response, or a classified failure. */
    static Answer answer(Capability capability, Params p, GenerateContentResponse r, String model)
            throws ProviderException {
        String trace = r.responseId() == null ? "" : " [response " + r.responseId() + "]";
        if (r.promptFeedback() != null && r.promptFeedback().blockReason() != null) {
            String why = r.promptFeedback().blockReasonMessage();
            throw new ProviderException(ErrorKind.CONTENT_POLICY, "google: Gemini blocked the prompt ("
                    + r.promptFeedback().blockReason() + (why == null ? "" : ": " + why) + ")" + trace, null,
                    r.responseId(), null);
        }
        List<GenerateContentResponse.Candidate> candidates = r.candidates() == null ? List.of() : r.candidates();
        if (candidates.isEmpty()) {
            throw new ProviderException(ErrorKind.TRANSIENT, "google: " + model + " answered with no candidates"
                    + trace, null, r.responseId(), null);
        }
        GenerateContentResponse.Candidate c = candidates.getFirst();
        String finish = c.finishReason() == null ? "" : c.finishReason();
        if (POLICY_STOPS.contains(finish)) {
            throw new ProviderException(ErrorKind.CONTENT_POLICY, "google: " + model + " stopped its answer ("
                    + finish + "): a safety or recitation filter refused it; rephrase the input" + trace, null,
                    r.responseId(), null);
        }
        String text = text(c);
        boolean cut = "MAX_TOKENS".equals(finish);
        Map<String, Object> m = new LinkedHashMap<>();
        if (!finish.isEmpty()) {
            m.put("finish_reason", finish);
        }
        if (cut) {
            m.put("truncated", true);
        }
        return switch (capability) {
            case PROMPT_GENERATION -> prompts(p, text, cut, model, trace, r, m);
            case IMAGE_UNDERSTANDING -> {
                String t = text.strip();
                if (t.isEmpty()) {
                    throw emptyOrCut(cut, "google: " + model + " gave an empty answer" + trace, r);
                }
                yield new Answer(t, m);
            }
            case STORY_TO_SCENES -> switch (SceneSchema.parse(text)) {
                case SceneSchema.Valid valid -> {
                    m.putAll(SceneSchema.metadata(valid, p.integer("num_scenes", 1, MAX_SCENES)));
                    yield new Answer(SceneSchema.toJson(valid.scenes()), m);
                }
                case SceneSchema.Invalid invalid -> throw emptyOrCut(cut, "google: " + model
                        + "'s scenes are not usable: " + invalid.reason()
                        + (cut ? "; the answer was cut off at the token limit. Fix: raise max_tokens or ask for"
                                + " fewer scenes" : "") + trace, r);
            };
            default -> throw new IllegalArgumentException("Gemini does not do " + capability.wireName());
        };
    }

    /**
     * Why an answer that {@link #answer} rejected is worth asking again with the answer and the
     * reason shown to the model, or null. Only scenes are repaired this way, as on the chat
     * providers. Not an answer cut off at the token limit: asking again would be cut off the same
     * way. Not a blank answer: there is nothing to show, and Gemini refuses a turn with empty text.
     */
    static @Nullable String repairReason(Capability capability, GenerateContentResponse r) {
        if (capability != Capability.STORY_TO_SCENES || r.candidates() == null || r.candidates().isEmpty()) {
            return null;
        }
        GenerateContentResponse.Candidate c = r.candidates().getFirst();
        String text = text(c);
        if ("MAX_TOKENS".equals(c.finishReason()) || text.isBlank()) {
            return null;
        }
        return SceneSchema.parse(text) instanceof SceneSchema.Invalid invalid ? invalid.reason() : null;
    }

    /**
     * The tokens an answer's {@code usageMetadata} counts, as Google bills them: the prompt as
     * input, the answer and the thinking ({@code thoughtsTokenCount}, billed at the output price)
     * as output. Null when the prompt or answer count is missing or negative: an incomplete count
     * would price the call below its bill, and the estimate stands instead.
     */
    static dev.acp.provider.Usage.@Nullable Tokens usage(GenerateContentResponse.@Nullable UsageMetadata u) {
        if (u == null || u.promptTokenCount() == null || u.candidatesTokenCount() == null) {
            return null;
        }
        long thoughts = u.thoughtsTokenCount() == null ? 0 : u.thoughtsTokenCount();
        if (u.promptTokenCount() < 0 || u.candidatesTokenCount() < 0 || thoughts < 0) {
            return null;
        }
        return new dev.acp.provider.Usage.Tokens(u.promptTokenCount(), u.candidatesTokenCount() + thoughts);
    }

    /** The answer's text as {@link #answer} read it: the first candidate's, without thoughts; empty when none. */
    static String answerText(GenerateContentResponse r) {
        return r.candidates() == null || r.candidates().isEmpty() ? "" : text(r.candidates().getFirst());
    }

    /**
     * Adds the repair turn to a prepared request: after the user's turn, a {@code model} turn
     * holding the rejected answer, then a {@code user} turn with the reason and the request to
     * answer again (providers.md 6.2: {@code contents} is the conversation, roles {@code user} and
     * {@code model}). The schema in {@code generationConfig} stays as it was.
     */
    static void addRepairTurn(ObjectNode body, RepairMemory.Unusable previous) {
        ArrayNode contents = (ArrayNode) body.get("contents");
        contents.addObject().put("role", "model").putArray("parts").addObject().put("text", previous.answer());
        contents.addObject().put("role", "user").putArray("parts").addObject().put("text", previous.repairRequest());
    }

    private static Answer prompts(Params p, String text, boolean cut, String model, String trace,
            GenerateContentResponse r, Map<String, Object> m) throws ProviderException {
        int count = p.integer("count", 1, MAX_COUNT).orElse(1);
        m.put("style", p.text("style").orElse("none"));
        if (count == 1) {
            String t = clean(text);
            if (t.isEmpty()) {
                throw emptyOrCut(cut, "google: " + model + "'s answer holds no prompt" + trace, r);
            }
            m.put("count", 1);
            return new Answer(t, m);
        }
        List<String> variants = variants(text);
        if (variants.isEmpty()) {
            throw emptyOrCut(cut, "google: " + model + "'s answer is not the JSON list of " + count + " prompts asked for"
                    + (cut ? "; it was cut off at the token limit. Fix: raise max_tokens or lower count" : "") + trace, r);
        }
        if (variants.size() > count) {
            m.put("note", "the model wrote " + variants.size() + " variants; the first " + count + " are kept");
            variants = variants.subList(0, count);
        } else if (variants.size() < count) {
            m.put("note", "asked for " + count + " variants, the model wrote " + variants.size() + " distinct ones");
        }
        m.put("count", variants.size());
        m.put("variants", List.copyOf(variants));
        List<String> v = variants;
        return new Answer(IntStream.range(0, v.size()).mapToObj(i -> (i + 1) + ". " + v.get(i))
                .collect(Collectors.joining("\n")), m);
    }

    /**
     * A bad sample is TRANSIENT (a new attempt usually answers well); an answer cut off at the
     * token limit is VALIDATION, since asking again is cut off the same way.
     */
    private static ProviderException emptyOrCut(boolean cut, String message, GenerateContentResponse r) {
        return new ProviderException(cut ? ErrorKind.VALIDATION : ErrorKind.TRANSIENT, message, null, r.responseId(),
                null);
    }

    /** The answer's text: its text parts in order, without a thinking model's thoughts. */
    static String text(GenerateContentResponse.Candidate c) {
        if (c.content() == null || c.content().parts() == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (GenerateContentResponse.Part part : c.content().parts()) {
            if (part.text() != null && !Boolean.TRUE.equals(part.thought())) {
                out.append(part.text());
            }
        }
        return out.toString();
    }

    /** {@code {"prompts": [string]}}. */
    static ObjectNode variantsSchema() {
        ObjectNode root = JsonNodeFactory.instance.objectNode().put("type", "object");
        root.putObject("properties").putObject("prompts").put("type", "array").putObject("items").put("type", "string");
        root.putArray("required").add("prompts");
        return root;
    }

    /** The distinct, non-blank variants of {@code {"prompts": [...]}} or a bare list; empty when unusable. */
    static List<String> variants(String answer) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(clean(answer));
        } catch (JsonProcessingException e) {
            return List.of();
        }
        JsonNode list = root == null ? null : root.isArray() ? root : root.get("prompts");
        if (list == null || !list.isArray()) {
            return List.of();
        }
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode item : list) {
            if (item.isTextual() && !item.asText().isBlank()) {
                out.add(item.asText().strip());
            }
        }
        return new ArrayList<>(out);
    }

    /** The answer without a surrounding Markdown code fence or quotation marks, which models add although told not to. */
    static String clean(String answer) {
        String t = answer.strip();
        var m = FENCE.matcher(t);
        if (m.matches()) {
            t = m.group(1).strip();
        }
        if (t.length() >= 2 && t.charAt(0) == '"' && t.charAt(t.length() - 1) == '"'
                && t.substring(1, t.length() - 1).indexOf('"') < 0) {
            t = t.substring(1, t.length() - 1).strip();
        }
        return t;
    }
}
