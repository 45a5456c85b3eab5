package dev.acp.providers.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.providers.openai.internal.ChatMessage;
import dev.acp.providers.openai.internal.ResponseFormat;
import dev.acp.providers.support.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;

/**
 * {@code prompt_generation}: expands an idea ({@code prompt}, {@code topic} or {@code text}) in a
 * {@code style} into a prompt for an image or video model. With {@code count} above 1 the model
 * is asked for a JSON list of distinct variants (structured output); all of them are kept and
 * returned one per line, numbered, as the local provider does, and listed in the metadata, so
 * a later step can take the line it wants. Picking "the best" would need a judge the call does
 * not have.
 */
final class PromptGeneration implements ChatTask {
    static final int MAX_COUNT = 10;
    static final String SYSTEM = "You write prompts for image and video generation models. Expand the idea you"
            + " are given into a vivid, specific prompt: subject, setting, composition, lighting, mood and style,"
            + " in one paragraph of at most 80 words. Answer with the prompt only: no preamble, no quotation"
            + " marks, no markdown.";
    private static final Set<String> PARAMETERS = ChatTask.withCommon("prompt", "topic", "text", "style", "count");

    private record Plan(String idea, @Nullable String style, int count) {}

    private static Plan plan(StepParams p) {
        String idea = p.required("prompt_generation needs an idea to expand", "set config.prompt (or topic)",
                "prompt", "topic", "text");
        return new Plan(idea, p.text("style").orElse(null), p.integer("count", 1, MAX_COUNT).orElse(1));
    }

    @Override
    public Set<String> parameters() {
        return PARAMETERS;
    }

    @Override
    public Exchange exchange(StepParams params, String provider) {
        Plan plan = plan(params);
        StringBuilder user = new StringBuilder("Idea: ").append(plan.idea());
        if (plan.style() != null) {
            user.append("\nStyle: ").append(plan.style());
        }
        ResponseFormat format = null;
        if (plan.count() > 1) {
            // Said in words too: servers that ignore response_format still get the shape.
            user.append("\n\nWrite ").append(plan.count()).append(" distinct variants, each a complete prompt on its"
                    + " own. Answer with JSON only: {\"prompts\": [\"...\", ...]} holding exactly ")
                    .append(plan.count()).append(" strings.");
            format = ResponseFormat.jsonSchema("prompt_variants", "distinct variants of one prompt", variantsSchema());
        }
        return new Exchange(List.of(ChatTask.system(params, SYSTEM), ChatMessage.user(user.toString())), format);
    }

    @Override
    public Answer answer(Completion completion, StepParams params, String provider) throws ProviderException {
        Plan plan = plan(params);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("style", plan.style() == null ? "none" : plan.style());
        if (plan.count() == 1) {
            String text = Answers.clean(completion.text());
            if (text.isEmpty()) {
                throw new ProviderException(ErrorKind.TRANSIENT, provider + ": the answer holds no prompt"
                        + completion.costNote(), null, firstId(completion), null);
            }
            m.put("count", 1);
            return new Answer(text, m);
        }
        List<String> variants = variants(completion.text());
        if (variants.isEmpty()) {
            throw unusable(completion, provider, plan.count());
        }
        if (variants.size() > plan.count()) {
            m.put("note", "the model wrote " + variants.size() + " variants; the first " + plan.count() + " are kept");
            variants = variants.subList(0, plan.count());
        } else if (variants.size() < plan.count()) {
            m.put("note", "asked for " + plan.count() + " variants, the model wrote " + variants.size()
                    + " distinct ones");
        }
        m.put("count", variants.size());
        m.put("variants", List.copyOf(variants));
        List<String> v = variants;
        String text = IntStream.range(0, v.size()).mapToObj(i -> (i + 1) + ". " + v.get(i))
                .collect(Collectors.joining("\n"));
        return new Answer(text, m);
    }

    /** {@code {"prompts": [string]}}, strict-mode compatible. */
    static ObjectNode variantsSchema() {
        ObjectNode root = JsonNodeFactory.instance.objectNode().put("type", "object");
        root.putObject("properties").putObject("prompts").put("type", "array")
                .putObject("items").put("type", "string");
        root.putArray("required").add("prompts");
        root.put("additionalProperties", false);
        return root;
    }

    /** The distinct, non-blank variants of {@code {"prompts": [...]}} or a bare list; empty when unusable. */
    static List<String> variants(String answer) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(Answers.clean(answer));
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

    private static ProviderException unusable(Completion completion, String provider, int count) {
        // Cut off at the token limit, asking again fails the same way; otherwise a new sample may do.
        boolean cut = completion.truncated();
        String message = provider + ": the answer is not the JSON list of " + count + " prompts asked for"
                + (cut ? "; it was cut off at the token limit" : "") + completion.costNote()
                + (cut ? ". Fix: raise max_tokens or lower count" : "");
        return new ProviderException(cut ? ErrorKind.VALIDATION : ErrorKind.TRANSIENT, message, null,
                firstId(completion), null);
    }

    static @Nullable String firstId(Completion completion) {
        return completion.requestIds().isEmpty() ? null : completion.requestIds().getFirst();
    }
}
