/**
 * ffmpeg as a separate process: finding it, running it, and reading what it says about files.
 *
 * <p>{@link dev.acp.local.media.FfmpegLocator} resolves the binary in a fixed order:
 * {@code ACP_FFMPEG}, then {@code ffmpeg} on the {@code PATH} of the injected environment, then
 * the static ffmpeg 4.4.1 shipped inside the {@code ws.schild:jave-nativebin-linux64} jar, which is
 * extracted once to {@code <acpHome>/tools/}. {@link dev.acp.local.media.Ffmpeg} runs it with an
 * argument list and turns a failure into a one-line {@link dev.acp.error.ProviderException} with
 * the tail of ffmpeg's error output. {@link dev.acp.local.media.MediaProbe} reads duration,
 * container format and streams of a media file from {@code ffmpeg -i}, because the bundled build
 * has no ffprobe.
 *
 * <p>ffmpeg is GPL software; ACP never links it, it only starts it as a program.
 */
@org.jspecify.annotations.NullMarked
package dev.acp.local.media;
