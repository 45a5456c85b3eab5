package dev.acp.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.acp.content.shots.ShotDetector;
import dev.acp.content.shots.ShotList;
import dev.acp.content.shots.ShotOptions;
import dev.acp.content.shots.Transition;
import dev.acp.env.Environment;
import dev.acp.local.media.Ffmpeg;
import dev.acp.local.process.CommandResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Seconds of 1080p video analysed per second of wall time: ACP's shot detection (one ffmpeg
 * decode piping 64 x 36 thumbnails to Java, cuts + dissolves + fades) against ffmpeg's own
 * {@code scdet} filter alone (hard cuts only) on the same file, in the same run, taking turns.
 * Two floors beside them: ffmpeg decoding the file to nothing, and ffmpeg decoding and scaling to
 * the thumbnails ACP reads (its share of ACP's time).
 *
 * <p>The file is made once (and kept) from lavfi sources: {@code --seconds} (60) of 1920 x 1080
 * at 25 fps, H.264, a new source every 5 s entered by a cut, a 1 s dissolve or a fade in turn.
 *
 * <p>Usage: {@code java -cp bench/target/acp-bench.jar dev.acp.bench.ShotsBenchmark [--seconds N]
 * [--iterations N] [--work DIR] [--out FILE]}; the ffmpeg is the one ACP would use
 * ({@code ACP_FFMPEG}, PATH, then the bundled one under {@code ACP_HOME}).
 */
public final class ShotsBenchmark {
    private static final String[] SOURCES = {"testsrc2", "smptehdbars", "mandelbrot", "testsrc", "rgbtestsrc",
        "yuvtestsrc", "color=c=0x3070b0", "smptebars"};
    private static final Pattern SCDET = Pattern.compile("lavfi\\.scd\\.time: ?([0-9.]+)");

    public static void main(String[] args) throws Exception {
        int seconds = 60;
        int iterations = 3;
        Path work = Path.of("bench/target/shots-bench");
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--iterations" -> iterations = Integer.parseInt(args[++i]);
                case "--work" -> work = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Environment env = Environment.system();
        Ffmpeg ffmpeg = Ffmpeg.locate(env, dev.acp.Acp.acpHome(env));
        Files.createDirectories(work);
        Path video = work.resolve("shots-1080p-" + seconds + "s.mp4");
        if (!Files.isRegularFile(video)) {
            System.out.println("making " + video + " (once) ...");
            make(ffmpeg, video, seconds);
        }
        String path = video.toAbsolutePath().toString();
        ShotDetector detector = new ShotDetector(ffmpeg);
        detector.detect(video, ShotOptions.DEFAULTS); // warm-up: JIT and page cache for every contender
        List<Double> acp = new ArrayList<>();
        List<Double> scdet = new ArrayList<>();
        List<Double> decode = new ArrayList<>();
        List<Double> thumbnails = new ArrayList<>();
        ShotList shots = null;
        int scdetCuts = 0;
        for (int it = 0; it < iterations; it++) {
            long t0 = System.nanoTime();
            shots = detector.detect(video, ShotOptions.DEFAULTS);
            acp.add(elapsed(t0));
            t0 = System.nanoTime();
            CommandResult r = ffmpeg.run("running scdet", List.of("-nostats", "-i", path, "-map", "0:v:0", "-vf",
                    "scdet=threshold=10:sc_pass=1,metadata=print", "-f", "null", "-"));
            scdet.add(elapsed(t0));
            scdetCuts = count(r.stderr());
            t0 = System.nanoTime();
            ffmpeg.run("decoding", List.of("-nostats", "-i", path, "-map", "0:v:0", "-f", "null", "-"));
            decode.add(elapsed(t0));
            t0 = System.nanoTime();
            ffmpeg.run("decoding and scaling", List.of("-nostats", "-i", path, "-map", "0:v:0", "-vf",
                    "scale=64:36:flags=area,format=rgb24", "-f", "null", "-"));
            thumbnails.add(elapsed(t0));
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("video", Map.of("file", path, "seconds", seconds, "width", 1920, "height", 1080, "fps", 25));
        result.put("cpus", Runtime.getRuntime().availableProcessors());
        result.put("iterations", iterations);
        result.put("acp_shots", figures(acp, seconds));
        result.put("ffmpeg_scdet", figures(scdet, seconds));
        result.put("floor_decode_only", figures(decode, seconds));
        result.put("floor_decode_and_thumbnails", figures(thumbnails, seconds));
        long gradual = shots.shots().stream()
                .filter(s -> s.transition() == Transition.DISSOLVE || s.transition() == Transition.FADE).count();
        long cuts = shots.shots().stream().filter(s -> s.transition() == Transition.CUT).count();
        result.put("acp_found", Map.of("shots", shots.shots().size(), "cuts", cuts, "dissolves_and_fades", gradual));
        result.put("scdet_found_cuts", scdetCuts);
        result.put("made_with", Map.of("segments", seconds / 5, "cuts", cutsMade(seconds),
                "dissolves_and_fades", seconds / 5 - 1 - cutsMade(seconds)));
        String json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result);
        System.out.println(json);
        if (out != null) {
            Files.writeString(out, json + "\n");
        }
    }

    private static double elapsed(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static int count(String stderr) {
        Matcher m = SCDET.matcher(stderr);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static Map<String, Object> figures(List<Double> walls, int seconds) {
        List<Double> sorted = walls.stream().sorted().toList();
        double median = sorted.get(sorted.size() / 2);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("wall_seconds", walls.stream().map(w -> Math.round(w * 1000) / 1000.0).toList());
        m.put("median_wall_seconds", Math.round(median * 1000) / 1000.0);
        m.put("video_seconds_per_wall_second", Math.round(seconds / median * 100) / 100.0);
        return m;
    }

    private static int cutsMade(int seconds) {
        int n = 0;
        for (int i = 1; i < seconds / 5; i++) {
            if (i % 3 == 1) {
                n++;
            }
        }
        return n;
    }

    /** Segment i enters by a cut (i % 3 == 1), a 1 s dissolve (2) or a 0.5 s fade each way (0). */
    private static void make(Ffmpeg ffmpeg, Path file, int seconds) throws Exception {
        int segments = seconds / 5;
        List<String> args = new ArrayList<>(List.of("-nostats", "-loglevel", "error"));
        StringBuilder graph = new StringBuilder();
        // A dissolve overlaps two segments by 1 s: lengthen the later one so the total stays `seconds`.
        for (int i = 0; i < segments; i++) {
            String source = SOURCES[i % SOURCES.length];
            double length = 5 + (i > 0 && i % 3 == 2 ? 1 : 0);
            args.addAll(List.of("-f", "lavfi", "-i", source + (source.contains("=") ? ":" : "=") + "s=1920x1080:r=25"));
            graph.append(String.format(Locale.ROOT, "[%d]trim=duration=%d,setpts=PTS-STARTPTS,format=yuv420p,settb=AVTB",
                    i, (int) length));
            if (i > 0 && i % 3 == 0) {
                graph.append(",fade=t=in:st=0:d=0.5");
            }
            if (i + 1 < segments && (i + 1) % 3 == 0) {
                graph.append(",fade=t=out:st=").append(length - 0.5).append(":d=0.5");
            }
            graph.append("[s").append(i).append("];");
        }
        String current = "s0";
        double length = 5;
        for (int i = 1; i < segments; i++) {
            String next = "c" + i;
            if (i % 3 == 2) {
                graph.append(String.format(Locale.ROOT, "[%s][s%d]xfade=transition=fade:duration=1:offset=%d[%s];",
                        current, i, (int) length - 1, next));
                length += 5;
            } else {
                graph.append(String.format(Locale.ROOT, "[%s][s%d]concat=n=2:v=1[%s];", current, i, next));
                length += 5;
            }
            current = next;
        }
        graph.setLength(graph.length() - 1);
        Path partial = file.resolveSibling(file.getFileName() + ".partial.mp4");
        args.addAll(List.of("-filter_complex", graph.toString(), "-map", "[" + current + "]", "-c:v", "libx264",
                "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p", partial.toString()));
        ffmpeg.run("making the benchmark video", args);
        Files.move(partial, file);
    }
}
