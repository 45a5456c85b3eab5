package dev.acp.local.video;

import dev.acp.error.ProviderException;
import dev.acp.local.media.Ffmpeg;
import dev.acp.local.media.FfmpegProgress;
import dev.acp.local.media.FilterEscaping;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.DoubleConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Renders a pan-and-zoom video from one image with ffmpeg's {@code zoompan} filter.
 *
 * <p>The source must already have the video's aspect ratio (zoompan keeps the input's shape) and
 * should be larger than the frame, ideally twice: zoompan positions its window on whole source
 * pixels, and a larger source makes that step a fraction of an output pixel, which removes the
 * visible judder of naive Ken Burns effects. Moves are eased with smoothstep so they start and end
 * gently. Output is H.264 via libx264 ({@code -preset veryfast}, CRF 20), yuv420p, with {@code
 * +faststart} for MP4/MOV, and exactly {@code frames} frames.
 */
public final class KenBurns {
    private static final double ZOOM = 0.25;
    private static final double PAN_ZOOM = 1.2;

    private final Ffmpeg ffmpeg;

    public KenBurns(Ffmpeg ffmpeg) {
        this.ffmpeg = Objects.requireNonNull(ffmpeg, "ffmpeg");
    }

    /**
     * A label burnt into the top-right corner of every frame, clear of the caption panel that
     * previews carry at the bottom.
     *
     * @param text what it says, written to a file first so no escaping can garble it
     * @param textFile where that file is written (UTF-8)
     * @param fontFile a TrueType font for {@code drawtext}
     */
    public record Label(String text, Path textFile, Path fontFile) {}

    /**
     * Encodes {@code source} into {@code output}.
     *
     * @param label an optional corner label, or null
     * @param progress receives the completed fraction (0..1) as ffmpeg reports frames
     */
    public void render(Path source, VideoSettings settings, @Nullable Label label, Path output, DoubleConsumer progress)
            throws ProviderException, InterruptedException {
        if (label != null) {
            try {
                java.nio.file.Files.writeString(label.textFile(), label.text(), java.nio.charset.StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                throw new ProviderException(dev.acp.error.ErrorKind.LOCAL, "could not write " + label.textFile() + ": "
                        + e.getMessage() + "; check free disk space", e);
            }
        }
        List<String> args = new ArrayList<>(List.of(
                "-loglevel", "error", "-nostats", "-progress", "pipe:1",
                "-i", source.toAbsolutePath().toString(),
                "-vf", filter(settings, label),
                "-frames:v", Integer.toString(settings.frames()),
                "-an",
                "-c:v", "libx264", "-preset", "veryfast", "-crf", "20",
                "-pix_fmt", "yuv420p"));
        if (!settings.container().equals("mkv")) {
            args.addAll(List.of("-movflags", "+faststart"));
        }
        args.addAll(List.of("-f", muxer(settings.container()), output.toAbsolutePath().toString()));
        ffmpeg.run("encoding the pan-and-zoom video", args, FfmpegProgress.ofFrames(settings.frames(), progress));
    }

    /** The filter graph: zoompan, optional label, then the pixel format H.264 players expect. */
    static String filter(VideoSettings s, @Nullable Label label) {
        int last = Math.max(1, s.frames() - 1);
        String t = "(on/" + last + ")";
        String ease = "(3*pow(" + t + ",2)-2*pow(" + t + ",3))";
        String y = "(ih-ih/zoom)/2";
        String centred = "(iw-iw/zoom)/2";
        String[] zoomAndX = switch (s.motion()) {
            case ZOOM_IN -> new String[] {"1+" + ZOOM + "*" + ease, centred};
            case ZOOM_OUT -> new String[] {(1 + ZOOM) + "-" + ZOOM + "*" + ease, centred};
            case PAN_LEFT -> new String[] {Double.toString(PAN_ZOOM), "(iw-iw/zoom)*(1-" + ease + ")"};
            case PAN_RIGHT -> new String[] {Double.toString(PAN_ZOOM), "(iw-iw/zoom)*" + ease};
        };
        String zoom = zoomAndX[0];
        String x = zoomAndX[1];
        StringBuilder graph = new StringBuilder(String.format(Locale.ROOT,
                "zoompan=z='%s':x='%s':y='%s':d=%d:s=%dx%d:fps=%d",
                zoom, x, y, s.frames(), s.width(), s.height(), s.fps()));
        if (label != null) {
            int fontSize = Math.max(10, Math.round(Math.min(s.width(), s.height()) * 0.035f));
            int margin = Math.max(4, fontSize / 2);
            graph.append(",drawtext=fontfile=").append(FilterEscaping.optionValue(label.fontFile().toString()))
                    .append(":textfile=").append(FilterEscaping.optionValue(label.textFile().toString()))
                    .append(":fontsize=").append(fontSize)
                    .append(":fontcolor=white@0.9:box=1:boxcolor=black@0.55:boxborderw=").append(Math.max(2, fontSize / 3))
                    .append(":x=w-tw-").append(margin).append(":y=").append(margin);
        }
        graph.append(",setsar=1,format=yuv420p");
        return graph.toString();
    }

    private static String muxer(String container) {
        return switch (container) {
            case "mov" -> "mov";
            case "mkv" -> "matroska";
            default -> "mp4";
        };
    }
}
