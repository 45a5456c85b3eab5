package dev.acp.local.video;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The timings an assembled film really uses, written beside it ({@code story.timeline.json}):
 * where each scene starts and ends, where its duration came from, and the measured length of the
 * narration it plays. A story splitter's {@code scenes.json} can only estimate durations (it runs
 * before any narration exists, and its output is cached under its own key, so a later step must
 * not rewrite it); this file is the one that matches the film.
 *
 * <p>Times are seconds rounded to the millisecond; scene boundaries fall on whole frames
 * ({@code start_frame}, {@code frames}), so a value here is within a millisecond of the film.
 */
public final class FilmTimings {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FilmTimings() {}

    /**
     * What is known of one scene besides its place on the timeline.
     *
     * @param title the scene's title, if its scene entry had one
     * @param durationFrom what set its duration: {@code narration}, {@code durations}, {@code scene},
     *     {@code clip} or {@code default}
     * @param narration the narration file as the step was given it, if the scene has one
     * @param narrationSeconds the narration's length as measured from the file
     * @param visual the picture or clip file as given
     */
    public record Scene(Optional<String> title, String durationFrom, @Nullable String narration,
            @Nullable Double narrationSeconds, String visual) {}

    /** The document for {@code timeline} and its scenes (one per scene of the timeline, in order). */
    public static String json(Timeline timeline, List<Scene> scenes, double padding) {
        if (scenes.size() != timeline.scenes()) {
            throw new IllegalArgumentException("one timing entry per scene: " + scenes.size() + " for "
                    + timeline.scenes() + " scenes");
        }
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("fps", timeline.fps());
        root.put("frames", timeline.totalFrames());
        root.put("total_duration", round(timeline.total()));
        root.put("transition_duration", round(timeline.transition()));
        root.put("scene_padding", round(padding));
        ArrayNode list = root.putArray("scenes");
        for (int k = 0; k < scenes.size(); k++) {
            Scene s = scenes.get(k);
            ObjectNode o = list.addObject();
            o.put("scene", k + 1);
            s.title().ifPresent(t -> o.put("title", t));
            o.put("start", round(timeline.start(k)));
            o.put("end", round(timeline.start(k) + timeline.duration(k)));
            o.put("duration", round(timeline.duration(k)));
            o.put("start_frame", timeline.startFrame(k));
            o.put("frames", timeline.sceneFrames().get(k));
            o.put("duration_from", s.durationFrom());
            if (s.narration() != null) {
                o.put("narration", s.narration());
            }
            if (s.narrationSeconds() != null) {
                // The narration starts with its scene and plays to its end (cut at the scene's end
                // only if a declared duration is shorter, which a narration-timed scene never is).
                double played = Math.min(s.narrationSeconds(), timeline.duration(k));
                o.put("narration_duration", round(s.narrationSeconds()));
                o.put("narration_start", round(timeline.start(k)));
                o.put("narration_end", round(timeline.start(k) + played));
            }
            o.put("visual", s.visual());
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of plain values is writable as JSON", e);
        }
    }

    private static double round(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }
}
