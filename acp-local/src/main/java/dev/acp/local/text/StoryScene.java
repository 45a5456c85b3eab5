package dev.acp.local.text;

import java.util.Objects;

/**
 * One scene cut from a story, in the fields of the {@code story_to_scenes} output.
 *
 * @param title a short title from the scene's leading phrase
 * @param description what happens: the scene's opening sentences
 * @param imagePrompt a prompt for an image engine: the salient phrases plus the style's words
 * @param narration the scene's text, to be spoken over it
 * @param duration seconds on screen: the narration's length at the speaking rate, at least {@link
 *     SceneSplitter#MIN_DURATION_SECONDS}
 */
public record StoryScene(String title, String description, String imagePrompt, String narration, double duration) {
    public StoryScene {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(imagePrompt, "imagePrompt");
        Objects.requireNonNull(narration, "narration");
        if (!(duration > 0)) {
            throw new IllegalArgumentException("duration must be positive, was " + duration);
        }
    }
}
