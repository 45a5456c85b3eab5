package dev.acp.content.process;

import dev.acp.local.media.MediaInfo;
import dev.acp.local.media.MediaStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a file is, before any analysis: its size and, for media, what ffmpeg reports of its
 * container and first video and audio streams; for text, its counts. Absent values are null.
 *
 * @param sizeBytes the file's size
 * @param format ffmpeg's demuxer names, for example {@code mov,mp4,m4a,3gp,3g2,mj2} or {@code png_pipe}
 * @param durationSeconds the container's duration (null for images and text)
 * @param bitRateKbps the overall bit rate
 * @param width the picture's width in pixels
 * @param height the picture's height in pixels
 * @param fps a video's frame rate
 * @param videoCodec the first video stream's codec, for example {@code h264} or {@code png}
 * @param pixelFormat its pixel format, for example {@code yuv420p}
 * @param audioCodec the first audio stream's codec, for example {@code aac}
 * @param sampleRate its samples per second
 * @param channels its channels
 * @param tags the container's metadata tags (title, artist, comment, encoder...), as written
 * @param characters a text's characters (Unicode code points)
 * @param words a text's words (runs of letters and digits)
 * @param lines a text's lines
 */
public record ContentMetadata(long sizeBytes, @Nullable String format, @Nullable Double durationSeconds,
        @Nullable Integer bitRateKbps, @Nullable Integer width, @Nullable Integer height, @Nullable Double fps,
        @Nullable String videoCodec, @Nullable String pixelFormat, @Nullable String audioCodec,
        @Nullable Integer sampleRate, @Nullable Integer channels, Map<String, String> tags,
        @Nullable Integer characters, @Nullable Integer words, @Nullable Integer lines) {
    public ContentMetadata {
        tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    }

    /** A media file's metadata from ffmpeg's description of it. */
    static ContentMetadata media(long sizeBytes, MediaInfo info, Map<String, String> tags) {
        MediaStream.Video v = info.video().orElse(null);
        MediaStream.Audio a = info.audio().orElse(null);
        return new ContentMetadata(sizeBytes, info.format(), info.durationSeconds(), info.bitRateKbps(),
                v == null || v.width() == 0 ? null : v.width(), v == null || v.height() == 0 ? null : v.height(),
                v == null ? null : v.fps(), v == null ? null : v.codec(), v == null ? null : v.pixelFormat(),
                a == null ? null : a.codec(), a == null || a.sampleRate() == 0 ? null : a.sampleRate(),
                a == null || a.channels() == 0 ? null : a.channels(), tags, null, null, null);
    }

    /** A text file's metadata. */
    static ContentMetadata text(long sizeBytes, String text) {
        int words = (int) java.util.regex.Pattern.compile("[\\p{L}\\p{N}]+").matcher(text).results().count();
        int lines = (int) text.lines().count();
        return new ContentMetadata(sizeBytes, null, null, null, null, null, null, null, null, null, null, null,
                Map.of(), text.codePointCount(0, text.length()), words, lines);
    }

    /** The values that are present, with snake_case names, in a stable order. */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("size_bytes", sizeBytes);
        put(m, "format", format);
        put(m, "duration_seconds", durationSeconds);
        put(m, "bit_rate_kbps", bitRateKbps);
        put(m, "width", width);
        put(m, "height", height);
        put(m, "fps", fps);
        put(m, "video_codec", videoCodec);
        put(m, "pixel_format", pixelFormat);
        put(m, "audio_codec", audioCodec);
        put(m, "sample_rate", sampleRate);
        put(m, "channels", channels);
        if (!tags.isEmpty()) {
            m.put("tags", tags);
        }
        put(m, "characters", characters);
        put(m, "words", words);
        put(m, "lines", lines);
        return m;
    }

    private static void put(Map<String, Object> m, String key, @Nullable Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
