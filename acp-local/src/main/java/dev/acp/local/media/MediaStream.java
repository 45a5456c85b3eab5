package dev.acp.local.media;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** One stream of a media file as ffmpeg describes it. */
public sealed interface MediaStream permits MediaStream.Video, MediaStream.Audio, MediaStream.Other {

    /** Position of the stream in the file, from 0. */
    int index();

    /** ffmpeg's codec name, for example {@code h264}, {@code aac}, {@code pcm_s16le}, {@code png}. */
    String codec();

    /**
     * A video (or still image) stream.
     *
     * @param index position of the stream in the file, from 0
     * @param codec ffmpeg's codec name, for example {@code h264}
     * @param width frame width in pixels, 0 when unknown
     * @param height frame height in pixels, 0 when unknown
     * @param pixelFormat for example {@code yuv420p}, or null when ffmpeg does not say
     * @param fps frames per second ({@code fps}, else {@code tbr}), or null when unknown
     */
    record Video(int index, String codec, @Nullable String pixelFormat, int width, int height, @Nullable Double fps)
            implements MediaStream {
        public Video {
            Objects.requireNonNull(codec, "codec");
        }
    }

    /**
     * An audio stream.
     *
     * @param index position of the stream in the file, from 0
     * @param codec ffmpeg's codec name, for example {@code aac}
     * @param sampleRate samples per second, 0 when unknown
     * @param channels number of channels, 0 when unknown
     */
    record Audio(int index, String codec, int sampleRate, int channels) implements MediaStream {
        public Audio {
            Objects.requireNonNull(codec, "codec");
        }
    }

    /**
     * Any other stream (subtitles, data, attachments).
     *
     * @param index position of the stream in the file, from 0
     * @param codec ffmpeg's codec name, for example {@code mov_text}
     * @param type ffmpeg's lower-case stream type, for example {@code subtitle}
     */
    record Other(int index, String type, String codec) implements MediaStream {
        public Other {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(codec, "codec");
        }
    }
}
