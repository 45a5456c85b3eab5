/**
 * Local image work with Java2D, headless and deterministic.
 *
 * <ul>
 *   <li>{@link dev.acp.local.image.PreviewRenderer} draws a labelled stand-in for a generated image
 *       from a prompt and a seed: palette and composition follow a hash of both, the prompt is
 *       written on the picture, and a "PREVIEW · local renderer · not AI-generated" badge says
 *       what it is.
 *   <li>{@link dev.acp.local.image.ImageOperation} is the closed set of real transforms for
 *       image-to-image: resize, reframe (crop, pad, stretch), rotate, flip, colour adjustments and
 *       filters.
 *   <li>{@link dev.acp.local.image.ImageStatistics}, {@link dev.acp.local.image.DominantColours} and
 *       {@link dev.acp.local.image.ImageAnalysis} measure an image for quality scores and for the
 *       plain-language report of image understanding.
 *   <li>{@link dev.acp.local.image.ImageFiles} reads and writes PNG, JPEG and BMP with ImageIO and
 *       goes through ffmpeg for WebP and other formats ImageIO lacks.
 * </ul>
 *
 * <p>Sizes come from {@link dev.acp.local.image.ImageSize}, {@link dev.acp.local.image.AspectRatio}
 * and the fal-style presets of {@link dev.acp.local.image.ImageSizes}.
 */
@org.jspecify.annotations.NullMarked
package dev.acp.local.image;
