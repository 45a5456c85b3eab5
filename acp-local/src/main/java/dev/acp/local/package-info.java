/**
 * The offline provider {@code local}: every capability that can be served without a network or
 * a key, with outputs that are honest previews (labelled, reported as {@code preview: true}) or
 * real local transforms.
 *
 * <p>{@link dev.acp.local.LocalProviderFactory} is registered for {@link java.util.ServiceLoader};
 * {@link dev.acp.local.LocalProvider} dispatches each capability to a package-private handler that
 * reads the step's parameters into a typed plan (the same reading serves validation-time {@code
 * check} and {@code execute}, so both agree on what is valid), calls the engines of the feature
 * packages, and reports metadata and a quality score:
 *
 * <ul>
 *   <li>{@code text_to_image}: {@link dev.acp.local.image.PreviewRenderer}
 *   <li>{@code image_to_image}: {@link dev.acp.local.image.ImageOperation}
 *   <li>{@code text_to_speech}: {@link dev.acp.local.speech.SpeechEngine} (espeak-ng or FreeTTS), with
 *       ffmpeg for formats other than WAV
 *   <li>{@code text_to_video}, {@code image_to_video}: {@link dev.acp.local.video.KenBurns}
 *   <li>{@code prompt_generation}: {@link dev.acp.local.text.PromptExpander}
 *   <li>{@code image_understanding}: {@link dev.acp.local.image.ImageAnalysis}
 * </ul>
 *
 * <p>Quality scores are defined in {@link dev.acp.local.quality.QualityScores}.
 */
@org.jspecify.annotations.NullMarked
package dev.acp.local;
