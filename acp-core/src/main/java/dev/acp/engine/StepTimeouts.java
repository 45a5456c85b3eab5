package dev.acp.engine;

import dev.acp.pipeline.Capability;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * The time a step of each kind gets when it sets no {@code timeout:} of its own, so that a
 * provider that never answers, a job that never finishes or a download that stops cannot keep a
 * run going for ever. Generous: video models queue and render for many minutes. Changed by
 * {@code ACP_HOME/config.yaml} ({@code timeouts:}) and by a pipeline's
 * {@code global_config.timeouts}, which wins.
 */
public record StepTimeouts(Map<Capability, Duration> byCapability) {
    /** Images, speech and text: minutes at most, with room for a provider's queue. */
    static final Duration SHORT = Duration.ofMinutes(10);
    /** Video generation and assembly: providers queue and render for a long time. */
    static final Duration LONG = Duration.ofMinutes(60);

    public StepTimeouts {
        byCapability = Map.copyOf(byCapability);
    }

    public static StepTimeouts defaults() {
        Map<Capability, Duration> m = new EnumMap<>(Capability.class);
        for (Capability c : Capability.values()) {
            m.put(c, switch (c) {
                // Analysing a long video (shots, faces, quality) or clustering a large index takes
                // minutes on a laptop's cores.
                case TEXT_TO_VIDEO, IMAGE_TO_VIDEO, VIDEO_TO_VIDEO, AVATAR_GENERATION, ASSEMBLE_VIDEO, ANALYZE_VIDEO,
                        DETECT_FACES, CLUSTER_CONTENT, SCORE_QUALITY -> LONG;
                case TEXT_TO_IMAGE, IMAGE_TO_IMAGE, TEXT_TO_SPEECH, IMAGE_UNDERSTANDING, PROMPT_GENERATION,
                        STORY_TO_SCENES, EMBED_TEXT, SEARCH_SIMILAR -> SHORT;
            });
        }
        return new StepTimeouts(m);
    }

    /** These timeouts with {@code over}'s replacing them, kind by kind. */
    public StepTimeouts with(Map<Capability, Duration> over) {
        Map<Capability, Duration> m = new EnumMap<>(Capability.class);
        m.putAll(byCapability);
        m.putAll(over);
        return new StepTimeouts(m);
    }

    public Duration of(Capability capability) {
        return byCapability.getOrDefault(capability, LONG);
    }
}
