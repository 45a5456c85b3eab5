package dev.acp.cli;

import dev.acp.Acp;
import dev.acp.content.shots.ContactSheet;
import dev.acp.content.shots.KeyframeWriter;
import dev.acp.content.shots.Shot;
import dev.acp.content.shots.ShotDetector;
import dev.acp.content.shots.ShotList;
import dev.acp.content.shots.ShotOptions;
import dev.acp.content.shots.Timecode;
import dev.acp.error.UsageException;
import dev.acp.local.media.Ffmpeg;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code acp content shots VIDEO}: the shot list of a video (cuts, dissolves, fades), with a
 * keyframe per shot and a contact sheet on request.
 */
@Command(name = "shots", mixinStandardHelpOptions = true,
        description = "List the shots of a video: start, end, duration, how each shot begins (cut, dissolve or fade)"
                + " and how sure that is; optionally write a keyframe per shot and a contact sheet. Offline: the"
                + " video is decoded once by ffmpeg.")
final class ContentShotsCommand implements Callable<Integer> {
    /** Keyframes taken only for the contact sheet need no more than its tile width. */
    private static final int SHEET_KEYFRAME_WIDTH = 320;

    @Parameters(paramLabel = "VIDEO", description = "The video file.")
    Path video;

    @Option(names = "--keyframes", paramLabel = "DIR", description = "Write each shot's keyframe (the frame of least"
            + " motion in the middle half of the shot) as DIR/shot_001.png, shot_002.png, ...")
    @Nullable Path keyframes;

    @Option(names = "--contact-sheet", paramLabel = "FILE.png", description = "Write the keyframes as one grid"
            + " image, each labelled with its shot number, start time and transition.")
    @Nullable Path contactSheet;

    @Option(names = "--min-shot", paramLabel = "SECONDS", defaultValue = "0.5", description = "The shortest shot;"
            + " boundaries closer than this are thinned to the surer one (default: ${DEFAULT-VALUE}).")
    String minShot = "0.5";

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    RunCommand.Format format = RunCommand.Format.table;

    private final CliContext context;

    ContentShotsCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        ShotOptions options = ShotOptions.DEFAULTS.withMinShotSeconds(minShotSeconds());
        Path file = context.workingDirectory().resolve(video);
        if (!Files.isRegularFile(file)) {
            throw new UsageException("no such video file: " + video + "; check the path");
        }
        Ffmpeg ffmpeg = Ffmpeg.locate(context.environment(), Acp.acpHome(context.environment()));
        ShotList list = new ShotDetector(ffmpeg).detect(file, options);
        Path sheet = contactSheet == null ? null : context.workingDirectory().resolve(contactSheet);
        if (keyframes != null) {
            list = new KeyframeWriter(ffmpeg).write(list, context.workingDirectory().resolve(keyframes), 0);
            if (sheet != null) {
                ContactSheet.write(list, sheet);
            }
        } else if (sheet != null) {
            Path scratch = Files.createTempDirectory("acp-shots-");
            try {
                ContactSheet.write(new KeyframeWriter(ffmpeg).write(list, scratch, SHEET_KEYFRAME_WIDTH), sheet);
            } finally {
                deleteTree(scratch);
            }
        }
        if (format == RunCommand.Format.json) {
            context.out().println(CliJson.pretty().writeValueAsString(json(list, sheet)));
        } else {
            table(list, sheet);
        }
        return ExitCode.OK.code();
    }

    private double minShotSeconds() {
        double seconds;
        try {
            seconds = Double.parseDouble(minShot.strip());
        } catch (NumberFormatException e) {
            seconds = Double.NaN;
        }
        if (!(seconds >= 0 && seconds <= 3600)) {
            throw new UsageException("--min-shot must be a number of seconds between 0 and 3600, not '" + minShot
                    + "'; for example --min-shot 0.5");
        }
        return seconds;
    }

    /** The shot list as JSON; {@code acp content process} prints the same for a video. */
    static Map<String, Object> json(ShotList list, @Nullable Path sheet) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("video", list.video().toString());
        root.put("fps", list.fps());
        root.put("frames", list.frames());
        root.put("width", list.width());
        root.put("height", list.height());
        root.put("duration_seconds", round(list.durationSeconds()));
        root.put("keyframe_rule", "least motion in the middle half of the shot");
        List<Map<String, Object>> shots = new ArrayList<>();
        for (Shot s : list.shots()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("shot", s.index() + 1);
            m.put("start_seconds", round(s.startSeconds()));
            m.put("end_seconds", round(s.endSeconds()));
            m.put("duration_seconds", round(s.durationSeconds()));
            m.put("start_frame", s.startFrame());
            m.put("end_frame", s.endFrame());
            m.put("frames", s.frames());
            m.put("transition", s.transition().wireName());
            m.put("transition_frames", s.transitionFrames());
            m.put("confidence", s.confidence());
            m.put("keyframe_frame", s.keyframe());
            m.put("keyframe_seconds", round(s.keyframe() / list.fps()));
            m.put("keyframe_file", s.keyframeFile().map(Path::toString).orElse(null));
            shots.add(m);
        }
        root.put("shots", shots);
        root.put("contact_sheet", sheet == null ? null : sheet.toString());
        return root;
    }

    private void table(ShotList list, @Nullable Path sheet) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"SHOT", "START", "END", "DURATION", "FRAMES", "TRANSITION", "CONFIDENCE", "KEYFRAME"});
        for (Shot s : list.shots()) {
            rows.add(new String[] {Integer.toString(s.index() + 1), timecode(s.startSeconds()),
                timecode(s.endSeconds()), String.format(Locale.ROOT, "%.2f s", s.durationSeconds()),
                Long.toString(s.frames()), s.transition().wireName(),
                String.format(Locale.ROOT, "%.2f", s.confidence()),
                s.keyframeFile().map(p -> p.getFileName().toString()).orElse(timecode(s.keyframe() / list.fps()))});
        }
        Table.print(context.out(), context.terminal(), rows);
        context.out().println();
        context.out().printf(Locale.ROOT, "%d shots in %s (%.2f s, %d frames at %s fps).%n", list.shots().size(),
                video, list.durationSeconds(), list.frames(), trim(list.fps()));
        if (keyframes != null) {
            context.out().println("Keyframes: " + keyframes);
        }
        if (sheet != null) {
            context.out().println("Contact sheet: " + contactSheet);
        }
    }

    private static double round(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }

    private static String trim(double fps) {
        return fps == Math.rint(fps) ? Long.toString((long) fps) : String.format(Locale.ROOT, "%.3f", fps);
    }

    private static String timecode(double seconds) {
        return Timecode.format(seconds);
    }

    private static void deleteTree(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
