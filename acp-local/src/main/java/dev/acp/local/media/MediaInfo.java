package dev.acp.local.media;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import org.jspecify.annotations.Nullable;

/**
 * What ffmpeg reports about a media file.
 *
 * @param format the demuxer names, for example {@code mov,mp4,m4a,3gp,3g2,mj2}, {@code wav},
 *     {@code mp3} or {@code png_pipe}
 * @param durationSeconds container duration in seconds (ffmpeg prints it to the centisecond), or
 *     null when ffmpeg says {@code N/A}, as it does for still images
 * @param bitRateKbps overall bit rate in kb/s, or null when unknown
 * @param streams the streams in file order
 */
public record MediaInfo(
        String format, @Nullable Double durationSeconds, @Nullable Integer bitRateKbps, List<MediaStream> streams) {

    public MediaInfo {
        Objects.requireNonNull(format, "format");
        streams = List.copyOf(streams);
    }

    /** The duration, if the container has one. */
    public OptionalDouble duration() {
        return durationSeconds == null ? OptionalDouble.empty() : OptionalDouble.of(durationSeconds);
    }

    /** The first video stream. */
    public Optional<MediaStream.Video> video() {
        return videoStreams().stream().findFirst();
    }

    /** The first audio stream. */
    public Optional<MediaStream.Audio> audio() {
        return audioStreams().stream().findFirst();
    }

    public List<MediaStream.Video> videoStreams() {
        return streams.stream()
                .filter(MediaStream.Video.class::isInstance)
                .map(MediaStream.Video.class::cast)
                .toList();
    }

    public List<MediaStream.Audio> audioStreams() {
        return streams.stream()
                .filter(MediaStream.Audio.class::isInstance)
                .map(MediaStream.Audio.class::cast)
                .toList();
    }

    /** True when {@code name} is one of the comma-separated demuxer names of {@link #format()}. */
    public boolean hasFormat(String name) {
        return List.of(format.split(",")).contains(name);
    }
}
