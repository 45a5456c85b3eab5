package dev.acp.providers.openai;

import dev.acp.error.ProviderException;
import dev.acp.pipeline.Capability;
import dev.acp.providers.openai.internal.ChatMessage;
import dev.acp.providers.openai.internal.ResponseFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * What one chat capability asks and how it reads the answer. The same {@link #exchange} runs at
 * validation (parameters checked, files not read) and at execution, so both report alike.
 */
sealed interface ChatTask permits PromptGeneration, ImageUnderstanding, StoryToScenes {

    /** Parameters every chat task reads besides its own. */
    Set<String> COMMON = Set.of("model", "system", "max_tokens", "temperature", "seed");

    /** The step parameters this task reads. */
    Set<String> parameters();

    /**
     * The conversation and output format for a step. Problems go to {@code params}; at
     * execution, reading an input file may fail.
     */
    Exchange exchange(StepParams params, String provider) throws ProviderException;

    /** The step's text and metadata from a successful answer, or a classified failure. */
    Answer answer(Completion completion, StepParams params, String provider) throws ProviderException;

    /**
     * Why an answer that {@link #answer} rejected is worth asking again with the answer and the
     * reason shown to the model, or null when asking again would not help or the task does not
     * repair. Only scene JSON is repaired this way today.
     */
    default @Nullable String repairReason(Completion completion) {
        return null;
    }

    /** The messages to send and the structured-output format, if any. */
    record Exchange(List<ChatMessage> messages, @Nullable ResponseFormat format) {
        public Exchange {
            messages = List.copyOf(messages);
        }
    }

    /** The step's text result and what the task adds to the report. */
    record Answer(String text, Map<String, Object> metadata) {
        public Answer {
            metadata = Map.copyOf(metadata);
        }
    }

    static ChatTask of(Capability capability) {
        return switch (capability) {
            case PROMPT_GENERATION -> new PromptGeneration();
            case IMAGE_UNDERSTANDING -> new ImageUnderstanding();
            case STORY_TO_SCENES -> new StoryToScenes();
            case TEXT_TO_SPEECH, TEXT_TO_IMAGE, IMAGE_TO_IMAGE, TEXT_TO_VIDEO, IMAGE_TO_VIDEO, VIDEO_TO_VIDEO,
                    AVATAR_GENERATION, ASSEMBLE_VIDEO, ANALYZE_VIDEO, DETECT_FACES, EMBED_TEXT, SEARCH_SIMILAR,
                    CLUSTER_CONTENT, SCORE_QUALITY ->
                    throw new IllegalArgumentException("chat providers cannot do " + capability.wireName());
        };
    }

    /** A task's own parameters plus {@link #COMMON}. */
    static Set<String> withCommon(String... own) {
        Set<String> all = new TreeSet<>(COMMON);
        all.addAll(List.of(own));
        return Set.copyOf(all);
    }

    /** The system message: the step's {@code system} when given, else the task's own. */
    static ChatMessage system(StepParams params, String builtIn) {
        return ChatMessage.system(params.text("system").orElse(builtIn));
    }
}
