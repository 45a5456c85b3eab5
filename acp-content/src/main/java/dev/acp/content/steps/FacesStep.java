package dev.acp.content.steps;

import dev.acp.content.faces.Face;
import dev.acp.content.faces.FaceAnnotator;
import dev.acp.content.faces.FaceDetector;
import dev.acp.content.faces.FaceScan;
import dev.acp.content.faces.FaceScanner;
import dev.acp.content.faces.Point;
import dev.acp.error.ProviderException;
import dev.acp.pipeline.Capability;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import dev.acp.provider.SideFile;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code detect_faces}: boxes, confidence and landmarks in an image ({@code faces}) or in a video's
 * sampled frames ({@code frames}, each with its time and faces); {@code annotate: true} writes a
 * copy with the faces drawn ({@code <output>_faces.png}; for a video, the frame with most faces).
 */
final class FacesStep implements ContentStep {
    private final ContentEngines engines;

    FacesStep(ContentEngines engines) {
        this.engines = engines;
    }

    @Override
    public Capability capability() {
        return Capability.DETECT_FACES;
    }

    @Override
    public void read(StepParams p) {
        p.path("image", "image_url", "video", "video_url");
        p.number("min_score", 0, 1, FaceDetector.DEFAULT_MIN_SCORE);
        p.number("every", 0.04, 3600, 1);
    }

    @Override
    public ProviderResult run(ProviderRequest request, StepParams p) throws ProviderException, InterruptedException {
        Path file = p.path("image", "image_url", "video", "video_url").orElseThrow();
        double minScore = p.number("min_score", 0, 1, FaceDetector.DEFAULT_MIN_SCORE);
        request.context().progress(0.05, "looking for faces in " + file.getFileName());
        FaceScanner scanner = new FaceScanner(engines.faces(), engines.ffmpeg(), request.context().scratchDirectory());
        FaceScan scan = scanner.scan(file, minScore, p.number("every", 0.04, 3600, 1));
        request.context().checkCancelled();
        Map<String, Object> body = switch (scan) {
            // The same names as 'acp content faces --format json'.
            case FaceScan.Image i -> Answers.map("file", file.toString(), "type", "image", "width", i.width(),
                    "height", i.height(), "face_count", i.faceCount(), "faces",
                    i.faces().stream().map(FacesStep::face).toList());
            case FaceScan.Video v -> Answers.map("file", file.toString(), "type", "video", "width", v.width(),
                    "height", v.height(), "face_count", v.faceCount(), "every_seconds", v.everySeconds(), "frames",
                    v.frames().stream()
                            .map(f -> Answers.map("seconds", Answers.round(f.seconds(), 3), "faces",
                                    f.faces().stream().map(FacesStep::face).toList()))
                            .toList());
        };
        ProviderResult r = Answers.of(body, scan instanceof FaceScan.Video ? "video" : "image",
                Map.of("faces", scan.faceCount(), "input", file.toString()));
        if (!p.flag("annotate", false)) {
            return r;
        }
        BufferedImage picture;
        List<Face> faces;
        switch (scan) {
            case FaceScan.Image i -> {
                picture = scanner.image(file);
                faces = i.faces();
            }
            case FaceScan.Video v -> {
                var busiest = v.busiestFrame();
                picture = scanner.frameAt(file, busiest.map(FaceScan.Frame::seconds).orElse(0.0));
                faces = busiest.map(FaceScan.Frame::faces).orElse(List.of());
            }
        }
        SideFile annotated = request.sideFile("_faces.png");
        FaceAnnotator.writePng(new FaceAnnotator(engines.fonts()).annotate(picture, faces), annotated.written());
        return r.withSideFiles(List.of(annotated));
    }

    private static Map<String, Object> face(Face f) {
        var l = f.landmarks();
        return Answers.map("box", Answers.map("x", Answers.round(f.box().x(), 1), "y", Answers.round(f.box().y(), 1),
                        "width", Answers.round(f.box().width(), 1), "height", Answers.round(f.box().height(), 1)),
                "confidence", Answers.round(f.confidence(), 4),
                "landmarks", Answers.map("right_eye", point(l.rightEye()), "left_eye", point(l.leftEye()),
                        "nose_tip", point(l.noseTip()), "mouth", point(l.mouth()),
                        "right_ear_tragion", point(l.rightEarTragion()), "left_ear_tragion", point(l.leftEarTragion())));
    }

    private static List<Double> point(Point p) {
        return List.of(Answers.round(p.x(), 1), Answers.round(p.y(), 1));
    }
}
