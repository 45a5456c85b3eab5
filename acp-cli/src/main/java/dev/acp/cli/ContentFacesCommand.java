package dev.acp.cli;

import dev.acp.Acp;
import dev.acp.content.faces.Face;
import dev.acp.content.faces.FaceAnnotator;
import dev.acp.content.faces.FaceDetector;
import dev.acp.content.faces.FaceScan;
import dev.acp.content.faces.FaceScanner;
import dev.acp.content.faces.Landmarks;
import dev.acp.content.faces.Point;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.error.UsageException;
import dev.acp.local.fonts.BundledFonts;
import dev.acp.local.media.Ffmpeg;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code acp content faces IMAGE|VIDEO}: faces with their boxes, confidence and landmarks. */
@Command(name = "faces", mixinStandardHelpOptions = true,
        description = "Find faces in an image, or in frames sampled from a video, with MediaPipe's BlazeFace"
                + " short-range model: a box, a confidence and six landmarks per face, in the image's pixels."
                + " Made for faces that fill a good part of the picture; small faces in wide shots can be missed.")
final class ContentFacesCommand implements Callable<Integer> {
    @Parameters(paramLabel = "IMAGE|VIDEO", description = "An image (PNG, JPEG, BMP, GIF, TIFF, WebP) or a video.")
    Path file;

    @Option(names = "--annotate", paramLabel = "OUT.png",
            description = "Also write a copy of the image with the faces drawn on it; for a video, the frame with the"
                    + " most faces.")
    @Nullable Path annotate;

    @Option(names = "--min-score", paramLabel = "S", defaultValue = "0.6",
            description = "Report faces with at least this confidence, 0 to 1 (default: ${DEFAULT-VALUE}).")
    double minScore;

    @Option(names = "--every", paramLabel = "SECONDS", defaultValue = "1",
            description = "For a video, look at one frame every SECONDS (default: ${DEFAULT-VALUE}).")
    double every;

    @Option(names = "--format", defaultValue = "table", description = "table or json (default: ${DEFAULT-VALUE}).")
    RunsCommand.Format format;

    private final CliContext context;

    ContentFacesCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (!(minScore >= 0 && minScore <= 1)) {
            throw new UsageException("--min-score is a confidence from 0 to 1, not " + minScore
                    + "; for example --min-score 0.6");
        }
        if (!(every > 0) || Double.isInfinite(every)) {
            throw new UsageException("--every is a number of seconds above 0, not " + every + "; for example --every 2");
        }
        Path input = context.workingDirectory().resolve(file);
        Path annotated = annotate == null ? null : context.workingDirectory().resolve(annotate);
        if (annotated != null && !annotated.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
            throw new UsageException("--annotate writes a PNG image; name the file with .png, for example"
                    + " --annotate faces.png");
        }
        Path home = Acp.acpHome(context.environment());
        Ffmpeg ffmpeg = Ffmpeg.locate(context.environment(), home);
        FaceScan scan;
        Double annotatedAt = null;
        try (FaceDetector detector = FaceDetector.load(1)) {
            FaceScanner scanner = new FaceScanner(detector, ffmpeg, Path.of(System.getProperty("java.io.tmpdir")));
            scan = scanner.scan(input, minScore, every);
            if (annotated != null) {
                BufferedImage picture;
                List<Face> faces;
                switch (scan) {
                    case FaceScan.Image image -> {
                        picture = scanner.image(input);
                        faces = image.faces();
                    }
                    case FaceScan.Video video -> {
                        FaceScan.Frame frame = video.busiestFrame().orElse(video.frames().getFirst());
                        annotatedAt = frame.seconds();
                        picture = scanner.frameAt(input, frame.seconds());
                        faces = frame.faces();
                    }
                }
                FaceAnnotator.writePng(new FaceAnnotator(new BundledFonts(home.resolve("tools").resolve("fonts")))
                        .annotate(picture, faces), annotated);
            }
        } catch (ProviderException e) {
            // A file the user named that cannot be used is a usage error; the rest are failures.
            if (e.kind() == ErrorKind.VALIDATION) {
                throw new UsageException(e.getMessage(), e);
            }
            throw e;
        }
        if (format == RunsCommand.Format.json) {
            context.out().println(CliJson.pretty().writeValueAsString(json(scan, minScore, annotated, annotatedAt)));
        } else {
            printTable(scan, annotated, annotatedAt);
        }
        return ExitCode.OK.code();
    }

    private void printTable(FaceScan scan, @Nullable Path annotated, @Nullable Double annotatedAt) {
        PrintWriter out = context.out();
        List<String[]> rows = new ArrayList<>();
        switch (scan) {
            case FaceScan.Image image -> {
                out.println(file + ": " + count(image.faceCount(), "face") + " (" + image.width() + " x "
                        + image.height() + ", min score " + score(minScore) + ")");
                rows.add(header(false));
                for (int i = 0; i < image.faces().size(); i++) {
                    rows.add(row(null, i + 1, image.faces().get(i)));
                }
            }
            case FaceScan.Video video -> {
                long withFaces = video.frames().stream().filter(f -> !f.faces().isEmpty()).count();
                out.println(file + ": " + count(video.faceCount(), "face") + " in " + withFaces + " of "
                        + count(video.frames().size(), "frame") + " sampled every " + number(every) + " s ("
                        + video.width() + " x " + video.height() + ", min score " + score(minScore) + ")");
                rows.add(header(true));
                for (FaceScan.Frame frame : video.frames()) {
                    if (frame.faces().isEmpty()) {
                        rows.add(new String[] {seconds(frame.seconds()), "-", "", "", "", "", "", "", ""});
                    }
                    for (int i = 0; i < frame.faces().size(); i++) {
                        rows.add(row(frame.seconds(), i + 1, frame.faces().get(i)));
                    }
                }
            }
        }
        if (scan.faceCount() > 0 || scan instanceof FaceScan.Video) {
            Table.print(out, context.terminal(), rows);
        }
        if (annotated != null) {
            out.println("Annotated: " + annotated + (annotatedAt == null ? "" : " (frame at "
                    + seconds(annotatedAt) + ")"));
        }
    }

    private static String[] header(boolean video) {
        List<String> h = new ArrayList<>(List.of("FACE", "SCORE", "BOX (X,Y WxH)", "RIGHT EYE", "LEFT EYE", "NOSE",
                "MOUTH", "EARS (R / L)"));
        if (video) {
            h.addFirst("TIME");
        }
        return h.toArray(String[]::new);
    }

    private static String[] row(@Nullable Double seconds, int index, Face face) {
        Landmarks l = face.landmarks();
        var b = face.box();
        List<String> r = new ArrayList<>(List.of(Integer.toString(index), score(face.confidence()),
                Math.round(b.x()) + "," + Math.round(b.y()) + " " + Math.round(b.width()) + "x"
                        + Math.round(b.height()),
                point(l.rightEye()), point(l.leftEye()), point(l.noseTip()), point(l.mouth()),
                point(l.rightEarTragion()) + " / " + point(l.leftEarTragion())));
        if (seconds != null) {
            r.addFirst(seconds(seconds));
        }
        return r.toArray(String[]::new);
    }

    /** The faces as JSON; {@code acp content process} prints the same for an image or video. */
    static Map<String, Object> json(FaceScan scan, double minScore, @Nullable Path annotated,
            @Nullable Double annotatedAt) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", scan.file().toString());
        m.put("type", switch (scan) {
            case FaceScan.Image image -> "image";
            case FaceScan.Video video -> "video";
        });
        m.put("width", scan.width());
        m.put("height", scan.height());
        m.put("model", "blazeface-short-range");
        m.put("min_score", minScore);
        m.put("face_count", scan.faceCount());
        switch (scan) {
            case FaceScan.Image image -> {
                m.put("faces", image.faces().stream().map(ContentFacesCommand::json).toList());
            }
            case FaceScan.Video video -> {
                m.put("every_seconds", video.everySeconds());
                m.put("frames", video.frames().stream().map(f -> {
                    Map<String, Object> frame = new LinkedHashMap<>();
                    frame.put("seconds", f.seconds());
                    frame.put("faces", f.faces().stream().map(ContentFacesCommand::json).toList());
                    return frame;
                }).toList());
            }
        }
        if (annotated != null) {
            m.put("annotated", annotated.toString());
            if (annotatedAt != null) {
                m.put("annotated_frame_seconds", annotatedAt);
            }
        }
        return m;
    }

    private static Map<String, Object> json(Face face) {
        Map<String, Object> m = new LinkedHashMap<>();
        var b = face.box();
        Map<String, Object> box = new LinkedHashMap<>();
        box.put("x", round(b.x()));
        box.put("y", round(b.y()));
        box.put("width", round(b.width()));
        box.put("height", round(b.height()));
        m.put("box", box);
        m.put("confidence", Math.round(face.confidence() * 10_000) / 10_000.0);
        Landmarks l = face.landmarks();
        Map<String, Object> landmarks = new LinkedHashMap<>();
        landmarks.put("right_eye", json(l.rightEye()));
        landmarks.put("left_eye", json(l.leftEye()));
        landmarks.put("nose_tip", json(l.noseTip()));
        landmarks.put("mouth", json(l.mouth()));
        landmarks.put("right_ear_tragion", json(l.rightEarTragion()));
        landmarks.put("left_ear_tragion", json(l.leftEarTragion()));
        m.put("landmarks", landmarks);
        return m;
    }

    private static Map<String, Object> json(Point p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("x", round(p.x()));
        m.put("y", round(p.y()));
        return m;
    }

    /** Pixels to a tenth: finer than the model can place anything. */
    private static double round(double pixels) {
        return Math.round(pixels * 10) / 10.0;
    }

    private static String point(Point p) {
        return Math.round(p.x()) + "," + Math.round(p.y());
    }

    private static String score(double s) {
        return String.format(Locale.ROOT, "%.2f", s);
    }

    private static String seconds(double s) {
        return number(s) + " s";
    }

    private static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.3f", value)
                .replaceFirst("0+$", "");
    }

    private static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
