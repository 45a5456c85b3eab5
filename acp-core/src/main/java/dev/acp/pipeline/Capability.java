package dev.acp.pipeline;

import java.util.Arrays;
import java.util.Optional;

/**
 * What a step asks a provider to do. The wire name is the {@code step_type} used in pipeline
 * files; {@code parallel_group} is not a capability but a way of arranging steps.
 */
public enum Capability {
    TEXT_TO_SPEECH("text_to_speech", OutputKind.AUDIO),
    TEXT_TO_IMAGE("text_to_image", OutputKind.IMAGE),
    IMAGE_TO_IMAGE("image_to_image", OutputKind.IMAGE),
    TEXT_TO_VIDEO("text_to_video", OutputKind.VIDEO),
    IMAGE_TO_VIDEO("image_to_video", OutputKind.VIDEO),
    VIDEO_TO_VIDEO("video_to_video", OutputKind.VIDEO),
    AVATAR_GENERATION("avatar_generation", OutputKind.VIDEO),
    IMAGE_UNDERSTANDING("image_understanding", OutputKind.TEXT),
    PROMPT_GENERATION("prompt_generation", OutputKind.TEXT),
    STORY_TO_SCENES("story_to_scenes", OutputKind.TEXT),
    ASSEMBLE_VIDEO("assemble_video", OutputKind.VIDEO),
    // Content analysis: answers are JSON (one list field, usable as {{steps.<id>.items}}), computed
    // on this machine by the content engines; they never call a provider or cost money.
    ANALYZE_VIDEO("analyze_video", OutputKind.TEXT, "json"),
    DETECT_FACES("detect_faces", OutputKind.TEXT, "json"),
    EMBED_TEXT("embed_text", OutputKind.TEXT, "json"),
    SEARCH_SIMILAR("search_similar", OutputKind.TEXT, "json"),
    CLUSTER_CONTENT("cluster_content", OutputKind.TEXT, "json"),
    SCORE_QUALITY("score_quality", OutputKind.TEXT, "json");

    /** The kind of file a capability produces; decides default file extensions and checks. */
    public enum OutputKind {
        IMAGE("png", "jpg", "jpeg", "webp", "bmp", "gif", "tif", "tiff"),
        AUDIO("mp3", "wav", "ogg", "opus", "flac", "m4a", "aac"),
        VIDEO("mp4", "mov", "mkv", "webm", "avi"),
        TEXT("txt", "md", "json");

        private final String defaultExtension;
        private final java.util.List<String> extensions;

        OutputKind(String defaultExtension, String... others) {
            this.defaultExtension = defaultExtension;
            java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of(defaultExtension));
            all.addAll(java.util.List.of(others));
            this.extensions = java.util.List.copyOf(all);
        }

        /** The file extensions that fit this kind of output, so that a step cannot write audio into a .png. */
        public java.util.List<String> extensions() {
            return extensions;
        }

        public String defaultExtension() {
            return defaultExtension;
        }
    }

    private final String wireName;
    private final OutputKind outputKind;
    private final String defaultExtension;

    Capability(String wireName, OutputKind outputKind) {
        this(wireName, outputKind, outputKind.defaultExtension());
    }

    Capability(String wireName, OutputKind outputKind, String defaultExtension) {
        this.wireName = wireName;
        this.outputKind = outputKind;
        this.defaultExtension = defaultExtension;
    }

    /** The extension of an output file whose name the pipeline does not give. */
    public String defaultExtension() {
        return defaultExtension;
    }

    /** True for the content-analysis steps, which the offline content engines serve. */
    public boolean isAnalysis() {
        return switch (this) {
            case ANALYZE_VIDEO, DETECT_FACES, EMBED_TEXT, SEARCH_SIMILAR, CLUSTER_CONTENT, SCORE_QUALITY -> true;
            case TEXT_TO_SPEECH, TEXT_TO_IMAGE, IMAGE_TO_IMAGE, TEXT_TO_VIDEO, IMAGE_TO_VIDEO, VIDEO_TO_VIDEO,
                    AVATAR_GENERATION, IMAGE_UNDERSTANDING, PROMPT_GENERATION, STORY_TO_SCENES, ASSEMBLE_VIDEO -> false;
        };
    }

    /** The name used in pipeline files, for example {@code text_to_image}. */
    public String wireName() {
        return wireName;
    }

    public OutputKind outputKind() {
        return outputKind;
    }

    /** True when the step's main result is text (also written to a {@code .txt} file). */
    public boolean producesText() {
        return outputKind == OutputKind.TEXT;
    }

    public static Optional<Capability> fromWireName(String name) {
        return Optional.ofNullable(ByWireName.MAP.get(name));
    }

    /** Looked up once per step of every pipeline: a map, not a stream over the values. */
    private static final class ByWireName {
        static final java.util.Map<String, Capability> MAP = java.util.Map.copyOf(Arrays.stream(values())
                .collect(java.util.stream.Collectors.toMap(Capability::wireName, c -> c)));
    }

    /** Every capability's wire name, in declaration order. */
    public static java.util.List<String> wireNames() {
        return Arrays.stream(values()).map(Capability::wireName).toList();
    }

    @Override
    public String toString() {
        return wireName;
    }
}
