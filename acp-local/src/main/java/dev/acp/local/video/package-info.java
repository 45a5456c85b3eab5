/**
 * Video from still images: the "Ken Burns" pan-and-zoom, rendered by ffmpeg's {@code zoompan}
 * filter and encoded as H.264 (yuv420p, fast start) with an exact frame count. {@link
 * dev.acp.local.video.KenBurns} takes a source image already shaped to the video's aspect ratio,
 * {@link dev.acp.local.video.Motion} names the camera moves, and {@link
 * dev.acp.local.video.VideoSettings} holds size, rate, length and container.
 */
@org.jspecify.annotations.NullMarked
package dev.acp.local.video;
