package dev.acp.providers.openai;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.providers.openai.internal.ChatMessage;
import dev.acp.providers.openai.internal.ResponseFormat;
import dev.acp.providers.support.RepairMemory;
import dev.acp.providers.support.SceneSchema;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@code story_to_scenes}: splits a {@code story} (or {@code text}) into scenes for an illustrated,
 * narrated video. The model is asked for {@link SceneSchema}'s JSON through
 * {@code response_format: json_schema} (OpenRouter and OpenAI honour it whole, Ollama reads its
 * schema) and in words; the answer is validated and returned as the canonical JSON text.
 *
 * <p>An answer that is not scene JSON fails as TRANSIENT: the request was valid, a language model
 * sampled a bad answer, and a new attempt (bounded by the step's {@code retry_count}) usually
 * gives a good one. That next attempt is not blind: {@link ChatProvider} remembers the rejected
 * answer for the step and sends it back with the reason ({@link #repairTurn}), and locally
 * repairable mistakes never get that far ({@link SceneSchema#parse}). When the answer was cut off at the token limit it fails as VALIDATION
 * instead, because asking again would be cut off the same way; the fix is a higher
 * {@code max_tokens}.
 */
final class StoryToScenes implements ChatTask {
    static final int MAX_SCENES = 50;
    static final String SYSTEM = "You are a storyboard writer. You split stories into scenes for an illustrated,"
            + " narrated video. Each scene gets an image prompt that stands on its own (describe characters and"
            + " places again instead of naming them only), and narration that is faithful to the story.";
    private static final Set<String> PARAMETERS = ChatTask.withCommon("story", "text", "num_scenes", "style");

    @Override
    public Set<String> parameters() {
        return PARAMETERS;
    }

    @Override
    public Exchange exchange(StepParams params, String provider) {
        String story = params.required("story_to_scenes needs a story", "set config.story to the story or script",
                "story", "text");
        OptionalInt scenes = params.integer("num_scenes", 1, MAX_SCENES);
        StringBuilder user = new StringBuilder();
        user.append(scenes.isPresent() ? "Split the story into exactly " + scenes.getAsInt() + " scene"
                + (scenes.getAsInt() == 1 ? "" : "s") + "."
                : "Split the story into as many scenes as it needs, usually 3 to 8.");
        params.text("style").ifPresent(s -> user.append(" Visual style of every image prompt: ").append(s).append('.'));
        user.append("\n\n").append(SceneSchema.describe()).append("\n\nStory:\n").append(story);
        return new Exchange(List.of(ChatTask.system(params, SYSTEM), ChatMessage.user(user.toString())),
                ResponseFormat.jsonSchema(SceneSchema.NAME, "scenes of a story for an illustrated, narrated video",
                        SceneSchema.jsonSchema()));
    }

    @Override
    public Answer answer(Completion completion, StepParams params, String provider) throws ProviderException {
        return switch (SceneSchema.parse(completion.text())) {
            // A different count is kept with a note; SceneSchema.metadata says why.
            case SceneSchema.Valid valid -> new Answer(SceneSchema.toJson(valid.scenes()),
                    SceneSchema.metadata(valid, params.integer("num_scenes", 1, MAX_SCENES)));
            case SceneSchema.Invalid invalid -> throw unusable(invalid, completion, provider);
        };
    }

    /** A cut-off answer is not repaired by asking again: the new answer would be cut off the same way. */
    @Override
    public @Nullable String repairReason(Completion completion) {
        if (completion.truncated()) {
            return null;
        }
        return SceneSchema.parse(completion.text()) instanceof SceneSchema.Invalid invalid ? invalid.reason() : null;
    }

    /** The turn added to the next attempt of a step whose previous answer was not usable. */
    static List<ChatMessage> repairTurn(RepairMemory.Unusable previous) {
        return List.of(ChatMessage.assistant(previous.answer()), ChatMessage.user(previous.repairRequest()));
    }

    private static ProviderException unusable(SceneSchema.Invalid invalid, Completion completion, String provider) {
        boolean cut = completion.truncated();
        String message = provider + ": the model's scenes are not usable: " + invalid.reason()
                + (cut ? "; the answer was cut off at the token limit" : "") + completion.costNote()
                + (cut ? ". Fix: raise max_tokens or ask for fewer scenes" : "");
        return new ProviderException(cut ? ErrorKind.VALIDATION : ErrorKind.TRANSIENT, message, null,
                PromptGeneration.firstId(completion), null);
    }
}
