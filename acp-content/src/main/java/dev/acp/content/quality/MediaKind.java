package dev.acp.content.quality;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.local.media.MediaInfo;
import dev.acp.local.media.MediaStream;
import java.nio.file.Path;
import java.util.List;

/** What a scored file is, as decided from its streams. */
public enum MediaKind {
    IMAGE,
    AUDIO,
    VIDEO;

    /**
     * What {@code file} is from ffmpeg's view of its streams, not its name: a single picture in an
     * image demuxer is an image, anything else with a video stream is a video, audio streams alone
     * make audio.
     *
     * @throws ProviderException {@link ErrorKind#VALIDATION} naming the file when it has neither
     *     picture nor sound
     */
    public static MediaKind of(Path file, MediaInfo info) throws ProviderException {
        if (info.video().isPresent()) {
            // Image demuxers are named after their codec with "_pipe" (png_pipe, jpeg_pipe) or
            // "image2"; they report no duration.
            boolean still = info.durationSeconds() == null
                    || info.format().endsWith("_pipe") || info.hasFormat("image2");
            return still ? IMAGE : VIDEO;
        }
        if (info.audio().isPresent()) {
            return AUDIO;
        }
        List<String> others = info.streams().stream()
                .map(s -> s instanceof MediaStream.Other o ? o.type() : s.getClass().getSimpleName())
                .toList();
        throw new ProviderException(ErrorKind.VALIDATION, file + " has no picture or sound to score"
                + (others.isEmpty() ? " (no streams at all)" : " (only " + String.join(", ", others) + " streams)")
                + "; score an image, audio or video file");
    }
}
