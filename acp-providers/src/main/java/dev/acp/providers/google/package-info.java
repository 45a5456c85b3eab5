/**
 * The Google provider ({@code provider: google}, providers.md 6): Gemini {@code generateContent}
 * for {@code image_understanding}, {@code prompt_generation} and {@code story_to_scenes} (one
 * call each, with local inputs inline or through the Files API), and Veo {@code text_to_video} /
 * {@code image_to_video} as long-running operations that the engine journals, polls and
 * downloads.
 */
@NullMarked
package dev.acp.providers.google;

import org.jspecify.annotations.NullMarked;
