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
 * Joins scenes into one H.264/AAC video with a single ffmpeg run: each scene's picture (a
 * pan-and-zoom or a still from a prepared image, or a video clip scaled to the frame) lasts its
 * {@link Timeline} clip length; scenes are joined by cuts or crossfades; each narration is padded
 * with silence to its scene's length, so it starts exactly when its scene starts; background music
 * is looped to the end, lowered, and optionally ducked under the narration with a sidechain
 * compressor; the mix is loudness-normalised; subtitles may be burnt in with libass.
 */
public final class VideoAssembly {
    /** Audio sample rate of the output. */
    public static final int SAMPLE_RATE = 48_000;
    /** The largest side of the shaped source of a pan-and-zoom. */
    private static final int MAX_SOURCE_SIDE = 3840;

    private final Ffmpeg ffmpeg;

    public VideoAssembly(Ffmpeg ffmpeg) {
        this.ffmpeg = Objects.requireNonNull(ffmpeg, "ffmpeg");
    }

    /** What a scene shows. */
    public sealed interface Picture permits Picture.Moving, Picture.Still, Picture.Clip {
        /** A pan-and-zoom over an image, which is first shaped to twice the frame (crop or pad). */
        record Moving(Path image, Motion motion) implements Picture {}

        /** An image shaped to the frame (crop or pad), held still. */
        record Still(Path image) implements Picture {}

        /** A video, scaled to the frame by cropping or padding; held on its last frame if too short. */
        record Clip(Path video) implements Picture {}
    }

    /** One scene: its picture and, optionally, its narration audio. */
    public record Scene(Picture picture, @Nullable Path narration) {}

    /** How scenes are joined. */
    public enum Transition {
        CUT,
        CROSSFADE
    }

    /** Subtitles to burn in: an SRT file and the folder holding the font it is drawn with. */
    public record Burn(Path srtFile, Path fontsFolder, String fontName) {}

    /**
     * Output settings.
     *
     * @param padClips true to letterbox pictures (images and clips) of another shape, false to crop them
     * @param musicVolume the music's gain before ducking, 0..1
     * @param loudness the integrated loudness target in LUFS, or null to leave levels alone
     * @param container {@code mp4}, {@code mov} or {@code mkv}
     */
    public record Settings(
            int width,
            int height,
            Transition transition,
            boolean padClips,
            @Nullable Path music,
            double musicVolume,
            boolean ducking,
            @Nullable Double loudness,
            @Nullable Burn burn,
            String container) {
        boolean padImages() {
            return padClips;
        }
    }

    /** Renders {@code scenes} along {@code timeline} into {@code output}. */
    public void render(List<Scene> scenes, Timeline timeline, Settings settings, Path output, DoubleConsumer progress)
            throws ProviderException, InterruptedException {
        ffmpeg.run("assembling the video", arguments(scenes, timeline, settings, output),
                FfmpegProgress.ofDuration(timeline.total(), progress));
    }

    /** The ffmpeg arguments (without the common prefix). */
    static List<String> arguments(List<Scene> scenes, Timeline timeline, Settings s, Path output) {
        if (scenes.size() != timeline.scenes()) {
            throw new IllegalArgumentException("scenes and timeline differ in length");
        }
        int fps = timeline.fps();
        List<String> args = new ArrayList<>(List.of("-loglevel", "error", "-nostats", "-progress", "pipe:1"));
        StringBuilder graph = new StringBuilder();
        int input = 0;
        // Pictures.
        for (int k = 0; k < scenes.size(); k++) {
            int frames = timeline.clipFrames(k);
            String seconds = seconds((double) frames / fps);
            switch (scenes.get(k).picture()) {
                case Picture.Moving m -> {
                    args.addAll(List.of("-i", m.image().toAbsolutePath().toString()));
                    VideoSettings vs = new VideoSettings(s.width(), s.height(), fps, frames, m.motion(), "mp4");
                    // zoompan moves its window in whole source pixels: a source twice the frame size makes
                    // each step half an output pixel, so the motion glides instead of judders.
                    double factor = Math.min(2, (double) MAX_SOURCE_SIDE / Math.max(s.width(), s.height()));
                    int sw = even((int) Math.round(s.width() * Math.max(1, factor)));
                    int sh = even((int) Math.round(s.height() * Math.max(1, factor)));
                    graph.append('[').append(input).append(":v]").append(fit(sw, sh, s.padImages()))
                            .append(",setsar=1,").append(KenBurns.filter(vs, null));
                }
                case Picture.Still still -> {
                    args.addAll(List.of("-loop", "1", "-framerate", Integer.toString(fps), "-t", seconds,
                            "-i", still.image().toAbsolutePath().toString()));
                    graph.append('[').append(input).append(":v]").append(fit(s.width(), s.height(), s.padImages()))
                            .append(",setsar=1,format=yuv420p");
                }
                case Picture.Clip clip -> {
                    args.addAll(List.of("-i", clip.video().toAbsolutePath().toString()));
                    graph.append('[').append(input).append(":v]").append(fit(s.width(), s.height(), s.padClips()))
                            .append(",fps=").append(fps)
                            .append(",setsar=1,format=yuv420p,tpad=stop_mode=clone:stop=-1");
                }
            }
            graph.append(",trim=end_frame=").append(frames).append(",setpts=PTS-STARTPTS,settb=AVTB[v").append(k).append("];");
            input++;
        }
        // Joining.
        String video;
        if (scenes.size() == 1) {
            video = "v0";
        } else if (s.transition() == Transition.CUT || timeline.transitionFrames() == 0) {
            for (int k = 0; k < scenes.size(); k++) {
                graph.append("[v").append(k).append(']');
            }
            graph.append("concat=n=").append(scenes.size()).append(":v=1:a=0[vjoined];");
            video = "vjoined";
        } else {
            String previous = "v0";
            for (int k = 1; k < scenes.size(); k++) {
                String out = "x" + k;
                graph.append('[').append(previous).append("][v").append(k).append("]xfade=transition=fade:duration=")
                        .append(seconds(timeline.transition())).append(":offset=").append(seconds(timeline.start(k)))
                        .append('[').append(out).append("];");
                previous = out;
            }
            video = previous;
        }
        if (s.burn() != null) {
            Burn b = s.burn();
            // Size relative to libass's default 288-line script canvas: about 7% of the frame height.
            // An opaque box (BorderStyle 3 draws it in OutlineColour) keeps the lines readable on any
            // picture, including text already in the picture such as a preview's prompt caption.
            String style = "FontName=" + b.fontName() + ",FontSize=20,PrimaryColour=&H00FFFFFF,OutlineColour=&H18000000"
                    + ",BorderStyle=3,Outline=4,Shadow=0,MarginV=16,Alignment=2";
            graph.append('[').append(video).append("]subtitles=filename=")
                    .append(FilterEscaping.optionValue(b.srtFile().toAbsolutePath().toString()))
                    .append(":fontsdir=").append(FilterEscaping.optionValue(b.fontsFolder().toAbsolutePath().toString()))
                    .append(":charenc=UTF-8:force_style=").append(FilterEscaping.optionValue(style))
                    .append("[vsub];");
            video = "vsub";
        }
        // Narration: one segment per scene, exactly as long as the scene.
        long[] sampleStarts = new long[scenes.size() + 1];
        for (int k = 0; k <= scenes.size(); k++) {
            sampleStarts[k] = Math.round((double) timeline.startFrame(k) * SAMPLE_RATE / fps);
        }
        boolean anyNarration = false;
        for (int k = 0; k < scenes.size(); k++) {
            long samples = sampleStarts[k + 1] - sampleStarts[k];
            Path narration = scenes.get(k).narration();
            if (narration != null) {
                anyNarration = true;
                args.addAll(List.of("-i", narration.toAbsolutePath().toString()));
                graph.append('[').append(input).append(":a]").append(normalised())
                        .append(",apad=whole_len=").append(samples);
                input++;
            } else {
                graph.append("anullsrc=r=").append(SAMPLE_RATE).append(":cl=stereo");
            }
            graph.append(",atrim=end_sample=").append(samples).append(",asetpts=N/SR/TB[a").append(k).append("];");
        }
        for (int k = 0; k < scenes.size(); k++) {
            graph.append("[a").append(k).append(']');
        }
        graph.append("concat=n=").append(scenes.size()).append(":v=0:a=1[voice];");
        long totalSamples = sampleStarts[scenes.size()];
        String audio = "voice";
        if (s.music() != null) {
            args.addAll(List.of("-stream_loop", "-1", "-i", s.music().toAbsolutePath().toString()));
            graph.append('[').append(input).append(":a]").append(normalised())
                    .append(",atrim=end_sample=").append(totalSamples).append(",asetpts=N/SR/TB")
                    .append(",volume=").append(seconds(s.musicVolume())).append("[music];");
            input++;
            if (s.ducking() && anyNarration) {
                // The narration keys a compressor on the music: about -15 dB while someone speaks.
                graph.append("[voice]asplit=2[voicemix][voicekey];")
                        .append("[music][voicekey]sidechaincompress=threshold=0.02:ratio=8:attack=20:release=400[ducked];")
                        .append("[voicemix][ducked]amix=inputs=2:duration=first:dropout_transition=0:normalize=0[mixed];");
            } else {
                graph.append("[voice][music]amix=inputs=2:duration=first:dropout_transition=0:normalize=0[mixed];");
            }
            audio = "mixed";
        }
        if (s.loudness() != null && (anyNarration || s.music() != null)) {
            graph.append('[').append(audio).append("]loudnorm=I=").append(seconds(s.loudness()))
                    .append(":TP=-1.5:LRA=11,aresample=").append(SAMPLE_RATE).append("[loud];");
            audio = "loud";
        }
        graph.append('[').append(audio).append("]atrim=end_sample=").append(totalSamples).append("[aout]");
        args.addAll(List.of(
                "-filter_complex", graph.toString(),
                "-map", "[" + video + "]", "-map", "[aout]",
                "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p",
                "-r", Integer.toString(fps), "-frames:v", Integer.toString(timeline.totalFrames()),
                "-c:a", "aac", "-b:a", "160k", "-ar", Integer.toString(SAMPLE_RATE), "-ac", "2"));
        if (!s.container().equals("mkv")) {
            args.addAll(List.of("-movflags", "+faststart"));
        }
        args.addAll(List.of("-f", muxerName(s.container()), output.toAbsolutePath().toString()));
        return args;
    }

    private static String normalised() {
        return "aresample=" + SAMPLE_RATE + ",aformat=sample_fmts=fltp:channel_layouts=stereo";
    }

    /** Scales to cover {@code w×h} and crops the overhang (centred), or fits inside and pads with black. */
    private static String fit(int w, int h, boolean pad) {
        return pad
                ? "scale=" + w + ":" + h + ":force_original_aspect_ratio=decrease,pad=" + w + ":" + h + ":(ow-iw)/2:(oh-ih)/2:black"
                : "scale=" + w + ":" + h + ":force_original_aspect_ratio=increase,crop=" + w + ":" + h;
    }

    private static int even(int side) {
        return Math.max(2, side - side % 2);
    }

    private static String seconds(double value) {
        return String.format(Locale.ROOT, "%.6f", value).replaceFirst("\\.?0+$", "");
    }

    /** The ffmpeg muxer for a container extension: {@code mov}, {@code matroska} or {@code mp4}. */
    public static String muxerName(String container) {
        return switch (container) {
            case "mov" -> "mov";
            case "mkv" -> "matroska";
            default -> "mp4";
        };
    }
}
