package dev.acp.content.steps;

import dev.acp.content.shots.ContactSheet;
import dev.acp.content.shots.KeyframeWriter;
import dev.acp.content.shots.Shot;
import dev.acp.content.shots.ShotDetector;
import dev.acp.content.shots.ShotList;
import dev.acp.content.shots.ShotOptions;
import dev.acp.error.ProviderException;
import dev.acp.pipeline.Capability;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import dev.acp.provider.SideFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code analyze_video}: the shot list, a keyframe per shot (side folder {@code <output>_keyframes})
 * and, when asked, a contact sheet ({@code <output>_contact.png}).
 */
final class ShotsStep implements ContentStep {
    private static final int KEYFRAME_WIDTH = 640;

    private final ContentEngines engines;

    ShotsStep(ContentEngines engines) {
        this.engines = engines;
    }

    @Override
    public Capability capability() {
        return Capability.ANALYZE_VIDEO;
    }

    @Override
    public void read(StepParams p) {
        p.path("video", "video_url");
        p.number("min_shot", 0, 600, ShotOptions.DEFAULTS.minShotSeconds());
    }

    @Override
    public ProviderResult run(ProviderRequest request, StepParams p) throws ProviderException, InterruptedException {
        Path video = p.path("video", "video_url").orElseThrow();
        ShotOptions options = ShotOptions.DEFAULTS.withMinShotSeconds(
                p.number("min_shot", 0, 600, ShotOptions.DEFAULTS.minShotSeconds()));
        request.context().progress(0.05, "finding shots in " + video.getFileName());
        ShotList shots = new ShotDetector(engines.ffmpeg()).detect(video, options);
        request.context().checkCancelled();
        List<SideFile> sides = new ArrayList<>();
        SideFile keyframes = null;
        if (p.flag("keyframes", true) && !shots.shots().isEmpty()) {
            request.context().progress(0.8, "writing keyframes");
            keyframes = request.sideFile("_keyframes");
            shots = new KeyframeWriter(engines.ffmpeg()).write(shots, keyframes.written(), KEYFRAME_WIDTH);
            sides.add(keyframes);
        }
        if (p.flag("contact_sheet", false) && !shots.shots().isEmpty()) {
            SideFile sheet = request.sideFile("_contact.png");
            ContactSheet.write(shots, sheet.written());
            sides.add(sheet);
        }
        List<Map<String, Object>> list = new ArrayList<>();
        for (Shot s : shots.shots()) {
            // The same names as 'acp content shots --format json'.
            Map<String, Object> m = Answers.map("shot", s.index() + 1, "start_seconds",
                    Answers.round(s.startSeconds(), 3), "end_seconds", Answers.round(s.endSeconds(), 3),
                    "duration_seconds", Answers.round(s.durationSeconds(), 3), "start_frame", s.startFrame(),
                    "end_frame", s.endFrame(), "transition", s.transition().wireName(),
                    "transition_frames", s.transitionFrames(), "confidence", Answers.round(s.confidence(), 3),
                    "keyframe_seconds", Answers.round(s.keyframe() / shots.fps(), 3));
            if (keyframes != null && s.keyframeFile().isPresent()) {
                // Named where the engine puts the folder, not where this attempt wrote it.
                m.put("keyframe_file", keyframes.target().resolve(s.keyframeFile().get().getFileName()).toString());
            }
            list.add(m);
        }
        Map<String, Object> body = Answers.map("video", video.toString(), "fps", Answers.round(shots.fps(), 3),
                "frames", shots.frames(), "width", shots.width(), "height", shots.height(), "duration_seconds",
                Answers.round(shots.durationSeconds(), 3), "shots", list);
        request.context().progress(1, list.size() + " shots");
        ProviderResult r = Answers.of(body, "video", Map.of("shots", list.size(), "input", video.toString()));
        return sides.isEmpty() ? r : r.withSideFiles(sides);
    }
}
