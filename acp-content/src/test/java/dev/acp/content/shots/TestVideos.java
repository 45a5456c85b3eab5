package dev.acp.content.shots;

import dev.acp.env.Environment;
import dev.acp.local.media.Ffmpeg;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Makes small test videos with known shot boundaries from ffmpeg's lavfi sources: cuts by
 * concatenation, dissolves by {@code xfade}, fades through black by {@code fade} out and in.
 */
final class TestVideos {
    static final int FPS = 25;
    static final double DISSOLVE_SECONDS = 1.0;
    static final double FADE_SECONDS = 0.4;

    /**
     * One source played for {@code seconds}, entered by {@code into} (ignored for the first) which
     * lasts {@code transitionSeconds} (a dissolve; for a fade, each of its halves).
     */
    record Segment(String source, double seconds, Transition into, double transitionSeconds) {
        Segment(String source, double seconds, Transition into) {
            this(source, seconds, into, into == Transition.FADE ? FADE_SECONDS : DISSOLVE_SECONDS);
        }
    }

    /** A boundary the video was made with: its frame (the middle of a gradual transition) and type. */
    record Truth(double frame, Transition transition) {}

    private TestVideos() {}

    /** The ffmpeg the tests share: the bundled one, extracted once per machine. */
    static Ffmpeg ffmpeg() {
        return Ffmpeg.locate(Environment.of(Map.of("PATH", "")),
                Path.of(System.getProperty("java.io.tmpdir"), "acp-test-home"));
    }

    /** Writes the video of {@code segments} at {@code size} (for example 128x72) and returns its boundaries. */
    static List<Truth> make(Ffmpeg ffmpeg, Path file, String size, List<Segment> segments) throws Exception {
        return make(ffmpeg, file, size, FPS, segments);
    }

    /** The same at {@code fps} frames per second. */
    static List<Truth> make(Ffmpeg ffmpeg, Path file, String size, int fps, List<Segment> segments)
            throws Exception {
        List<String> args = new ArrayList<>(List.of("-nostats", "-loglevel", "error"));
        StringBuilder graph = new StringBuilder();
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            args.addAll(List.of("-f", "lavfi", "-i", s.source() + (s.source().contains("=") ? ":" : "=") + "s=" + size
                    + ":r=" + fps));
            graph.append(String.format(Locale.ROOT, "[%d]trim=duration=%s,setpts=PTS-STARTPTS,format=yuv420p,settb=AVTB",
                    i, num(s.seconds())));
            if (i > 0 && s.into() == Transition.FADE) {
                graph.append(",fade=t=in:st=0:d=").append(num(s.transitionSeconds()));
            }
            if (i + 1 < segments.size() && segments.get(i + 1).into() == Transition.FADE) {
                double fade = segments.get(i + 1).transitionSeconds();
                graph.append(",fade=t=out:st=").append(num(s.seconds() - fade)).append(":d=").append(num(fade));
            }
            graph.append("[s").append(i).append("];");
        }
        List<Truth> truths = new ArrayList<>();
        String current = "s0";
        double length = segments.getFirst().seconds();
        for (int i = 1; i < segments.size(); i++) {
            Segment s = segments.get(i);
            String next = "c" + i;
            switch (s.into()) {
                case DISSOLVE -> {
                    double offset = length - s.transitionSeconds();
                    graph.append(String.format(Locale.ROOT, "[%s][s%d]xfade=transition=fade:duration=%s:offset=%s[%s];",
                            current, i, num(s.transitionSeconds()), num(offset), next));
                    truths.add(new Truth((offset + s.transitionSeconds() / 2) * fps, Transition.DISSOLVE));
                    length += s.seconds() - s.transitionSeconds();
                }
                case CUT, FADE -> {
                    graph.append(String.format(Locale.ROOT, "[%s][s%d]concat=n=2:v=1[%s];", current, i, next));
                    truths.add(new Truth(length * fps, s.into()));
                    length += s.seconds();
                }
                case START -> throw new IllegalArgumentException("only the first segment starts the video");
            }
            current = next;
        }
        graph.setLength(graph.length() - 1);
        if (segments.size() == 1) {
            graph.setLength(graph.lastIndexOf("[s0]"));
            graph.append("[c0]");
            current = "c0";
        }
        args.addAll(List.of("-filter_complex", graph.toString(), "-map", "[" + current + "]", "-c:v", "libx264",
                "-preset", "ultrafast", "-pix_fmt", "yuv420p", file.toString()));
        ffmpeg.run("making a test video", args);
        return truths;
    }

    private static String num(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }
}
