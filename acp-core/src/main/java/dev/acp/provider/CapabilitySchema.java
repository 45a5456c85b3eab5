package dev.acp.provider;

import dev.acp.pipeline.Capability;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parameters ({@code config:} keys) every provider of a capability understands, with their
 * types, and which of them are required. Providers may read further, model-specific parameters;
 * those pass through unchecked unless they look like a typo of a known one.
 */
public final class CapabilitySchema {

    /** One known parameter. */
    public record Param(String name, ParamType type, String description) {}

    private final Capability capability;
    private final Map<String, Param> params;
    private final List<List<String>> requiredAnyOf;
    private final java.util.Set<String> fileParameters;
    private final java.util.Set<String> fileListParameters;
    private final java.util.Set<String> folderParameters;

    private CapabilitySchema(Capability capability, Map<String, Param> params, List<List<String>> requiredAnyOf) {
        this.capability = capability;
        this.params = Collections.unmodifiableMap(params);
        this.requiredAnyOf = List.copyOf(requiredAnyOf);
        this.fileParameters = params.values().stream().filter(p -> p.type() == ParamType.FILE).map(Param::name)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
        this.fileListParameters = params.values().stream().filter(p -> p.type() == ParamType.FILE_LIST)
                .map(Param::name).collect(java.util.stream.Collectors.toUnmodifiableSet());
        this.folderParameters = params.values().stream().filter(p -> p.type() == ParamType.FOLDER)
                .map(Param::name).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** The names of parameters that hold a file or a list of files ({@link ParamType#FILE_LIST}). */
    public java.util.Set<String> fileListParameters() {
        return fileListParameters;
    }

    /** The names of parameters that hold a local folder ({@link ParamType#FOLDER}). */
    public java.util.Set<String> folderParameters() {
        return folderParameters;
    }

    /** The names of parameters that hold a file path or URL. */
    public java.util.Set<String> fileParameters() {
        return fileParameters;
    }

    private static final Map<Capability, CapabilitySchema> SCHEMAS = build();

    public static CapabilitySchema of(Capability capability) {
        return SCHEMAS.get(capability);
    }

    public Capability capability() {
        return capability;
    }

    public Map<String, Param> params() {
        return params;
    }

    public Optional<Param> param(String name) {
        return Optional.ofNullable(params.get(name));
    }

    /** Groups of parameters of which at least one must be present, for example [prompt, text]. */
    public List<List<String>> requiredAnyOf() {
        return requiredAnyOf;
    }

    private static Map<Capability, CapabilitySchema> build() {
        Map<Capability, CapabilitySchema> m = new EnumMap<>(Capability.class);
        for (Capability c : Capability.values()) {
            Builder b = new Builder(c)
                    .param("model", ParamType.TEXT, "model name from the catalog, or the provider's own model id")
                    .param("seed", ParamType.INTEGER, "seed for reproducible output where the provider supports it");
            switch (c) {
                case TEXT_TO_IMAGE -> b.required("prompt", "text")
                        .param("prompt", ParamType.TEXT, "what to draw")
                        .param("text", ParamType.TEXT, "alias of prompt (seed format)")
                        .param("negative_prompt", ParamType.TEXT, "what to avoid")
                        .param("image_size", ParamType.SIZE, "preset such as landscape_16_9, or {width, height}")
                        .param("width", ParamType.INTEGER, "width in pixels")
                        .param("height", ParamType.INTEGER, "height in pixels")
                        .param("aspect_ratio", ParamType.TEXT, "for example 16:9")
                        .param("num_images", ParamType.INTEGER, "images to generate")
                        .param("num_inference_steps", ParamType.INTEGER, "diffusion steps")
                        .param("guidance_scale", ParamType.NUMBER, "prompt adherence")
                        .param("enable_safety_checker", ParamType.BOOLEAN, "provider safety filter")
                        .param("style", ParamType.TEXT, "style hint")
                        .param("quality", ParamType.TEXT, "model quality setting, for example high or hd")
                        .param("background", ParamType.TEXT, "transparent, opaque or auto where supported");
                case IMAGE_TO_IMAGE -> b.required("image", "image_url", "image_path")
                        .param("image", ParamType.FILE, "input image")
                        .param("image_url", ParamType.FILE, "alias of image")
                        .param("image_path", ParamType.FILE, "alias of image")
                        .param("prompt", ParamType.TEXT, "how to change the image")
                        .param("negative_prompt", ParamType.TEXT, "what to avoid")
                        .param("strength", ParamType.NUMBER, "how far to move from the input, 0..1")
                        .param("image_size", ParamType.SIZE, "output size preset or {width, height}")
                        .param("width", ParamType.INTEGER, "output width")
                        .param("height", ParamType.INTEGER, "output height")
                        .param("aspect_ratio", ParamType.TEXT, "reframe to this ratio, for example 9:16")
                        .param("fit", ParamType.TEXT, "crop, pad or stretch when reframing")
                        .param("filter", ParamType.TEXT_OR_LIST, "local filters: grayscale, sepia, blur, ...")
                        .param("brightness", ParamType.NUMBER, "-1..1")
                        .param("contrast", ParamType.NUMBER, "0..3")
                        .param("saturation", ParamType.NUMBER, "0..3")
                        .param("rotate", ParamType.INTEGER, "90, 180 or 270")
                        .param("flip", ParamType.TEXT, "horizontal or vertical")
                        .param("num_inference_steps", ParamType.INTEGER, "diffusion steps")
                        .param("guidance_scale", ParamType.NUMBER, "prompt adherence");
                case TEXT_TO_SPEECH -> b.required("text")
                        .param("text", ParamType.TEXT, "what to say")
                        .param("voice", ParamType.TEXT, "voice name or id")
                        .param("stability", ParamType.NUMBER, "ElevenLabs voice setting 0..1")
                        .param("similarity_boost", ParamType.NUMBER, "ElevenLabs voice setting 0..1")
                        .param("style", ParamType.NUMBER, "ElevenLabs style exaggeration 0..1")
                        .param("use_speaker_boost", ParamType.BOOLEAN, "ElevenLabs speaker boost")
                        .param("speed", ParamType.NUMBER, "speaking speed, 1 = normal")
                        .param("rate", ParamType.NUMBER, "alias of speed")
                        .param("pitch", ParamType.NUMBER, "pitch shift where supported")
                        .param("emotion", ParamType.TEXT, "one of " + Emotion.names() + "; mapped per provider")
                        .param("intensity", ParamType.NUMBER, "how strongly to apply the emotion, 0..1 (default 0.5)")
                        .param("description", ParamType.TEXT, "free-text delivery direction where supported")
                        .param("instructions", ParamType.TEXT, "OpenAI-style speech instructions, sent as written")
                        .param("language", ParamType.TEXT, "language code");
                case TEXT_TO_VIDEO -> b.required("prompt", "text")
                        .param("prompt", ParamType.TEXT, "what to show")
                        .param("text", ParamType.TEXT, "alias of prompt (seed format)")
                        .param("negative_prompt", ParamType.TEXT, "what to avoid")
                        .param("duration", ParamType.NUMBER, "seconds")
                        .param("aspect_ratio", ParamType.TEXT, "for example 16:9")
                        .param("resolution", ParamType.TEXT, "for example 720p")
                        .param("width", ParamType.INTEGER, "width in pixels")
                        .param("height", ParamType.INTEGER, "height in pixels")
                        .param("fps", ParamType.NUMBER, "frames per second")
                        .param("motion", ParamType.TEXT, "camera motion hint")
                        .param("prompt_optimizer", ParamType.BOOLEAN, "MiniMax prompt optimizer")
                        .param("loop", ParamType.BOOLEAN, "loop the clip")
                        .param("camera_control", ParamType.ANY, "Kling camera control")
                        .param("cfg_scale", ParamType.NUMBER, "prompt adherence")
                        .param("generate_audio", ParamType.BOOLEAN, "generate a soundtrack where supported");
                case IMAGE_TO_VIDEO -> b.required("image", "image_url", "image_path")
                        .param("image", ParamType.FILE, "start image")
                        .param("image_url", ParamType.FILE, "alias of image")
                        .param("image_path", ParamType.FILE, "alias of image")
                        .param("prompt", ParamType.TEXT, "motion description")
                        .param("negative_prompt", ParamType.TEXT, "what to avoid")
                        .param("duration", ParamType.NUMBER, "seconds")
                        .param("aspect_ratio", ParamType.TEXT, "for example 16:9")
                        .param("resolution", ParamType.TEXT, "for example 720p")
                        .param("width", ParamType.INTEGER, "width in pixels")
                        .param("height", ParamType.INTEGER, "height in pixels")
                        .param("fps", ParamType.NUMBER, "frames per second")
                        .param("motion", ParamType.TEXT, "camera motion: zoom_in, zoom_out, pan_left, pan_right")
                        .param("prompt_optimizer", ParamType.BOOLEAN, "MiniMax prompt optimizer")
                        .param("cfg_scale", ParamType.NUMBER, "prompt adherence")
                        .param("generate_audio", ParamType.BOOLEAN, "generate a soundtrack where supported");
                case VIDEO_TO_VIDEO -> b.required("video", "video_url", "videos")
                        .param("video", ParamType.FILE, "input video")
                        .param("video_url", ParamType.FILE, "alias of video")
                        .param("prompt", ParamType.TEXT, "how to change the video")
                        .param("negative_prompt", ParamType.TEXT, "what to avoid")
                        .param("strength", ParamType.NUMBER, "how far to move from the input, 0..1")
                        // The local editing helpers.
                        .param("operation", ParamType.TEXT,
                                "local: trim, concat, add_audio, replace_audio or extract_keyframes")
                        .param("videos", ParamType.FILE_LIST, "clips to join (concat), in order")
                        .param("start", ParamType.NUMBER, "trim: seconds from the start")
                        .param("end", ParamType.NUMBER, "trim: end in seconds")
                        .param("duration", ParamType.NUMBER, "trim: seconds to keep")
                        .param("audio", ParamType.FILE, "add_audio / replace_audio: the sound")
                        .param("volume", ParamType.NUMBER, "add_audio: gain of the added sound, 1 = as is")
                        .param("mode", ParamType.TEXT, "extract_keyframes: scene or interval")
                        .param("threshold", ParamType.NUMBER, "extract_keyframes: scene-change threshold 0..1")
                        .param("interval", ParamType.NUMBER, "extract_keyframes: seconds between keyframes")
                        .param("max_keyframes", ParamType.INTEGER, "extract_keyframes: most keyframes kept")
                        .param("reel_seconds", ParamType.NUMBER, "extract_keyframes: seconds per keyframe in the reel");
                case AVATAR_GENERATION -> b.required("image", "image_url")
                        .required("audio", "audio_url", "text")
                        .param("image", ParamType.FILE, "portrait")
                        .param("image_url", ParamType.FILE, "alias of image")
                        .param("audio", ParamType.FILE, "speech to lip-sync")
                        .param("audio_url", ParamType.FILE, "alias of audio")
                        .param("text", ParamType.TEXT, "text to speak when no audio is given")
                        .param("voice", ParamType.TEXT, "voice for text")
                        .param("prompt", ParamType.TEXT, "style or motion hint")
                        .param("resolution", ParamType.TEXT, "for example 720p");
                case IMAGE_UNDERSTANDING -> b.required("image", "image_url", "image_path")
                        .param("image", ParamType.FILE, "image to describe")
                        .param("image_url", ParamType.FILE, "alias of image")
                        .param("image_path", ParamType.FILE, "alias of image")
                        .param("prompt", ParamType.TEXT, "question or instruction")
                        .param("question", ParamType.TEXT, "alias of prompt")
                        .param("max_tokens", ParamType.INTEGER, "answer length limit")
                        .param("temperature", ParamType.NUMBER, "sampling temperature");
                case PROMPT_GENERATION -> b.required("prompt", "topic", "text")
                        .param("prompt", ParamType.TEXT, "idea to expand")
                        .param("topic", ParamType.TEXT, "alias of prompt")
                        .param("text", ParamType.TEXT, "alias of prompt")
                        .param("style", ParamType.TEXT, "cinematic, cartoon, realistic, ...")
                        .param("count", ParamType.INTEGER, "number of variants")
                        .param("system", ParamType.TEXT, "system instruction for LLM providers")
                        .param("max_tokens", ParamType.INTEGER, "answer length limit")
                        .param("temperature", ParamType.NUMBER, "sampling temperature");
                case STORY_TO_SCENES -> b.required("story", "text")
                        .param("story", ParamType.TEXT, "story or script")
                        .param("text", ParamType.TEXT, "alias of story")
                        .param("num_scenes", ParamType.INTEGER, "number of scenes")
                        .param("style", ParamType.TEXT, "cinematic, cartoon, realistic, ...")
                        .param("words_per_minute", ParamType.NUMBER, "speaking rate for scene durations")
                        .param("language", ParamType.TEXT, "language tag; detected when absent");
                // Lists may arrive as rendered templates (text), so they are typed ANY and checked by the provider.
                case ASSEMBLE_VIDEO -> b.required("visuals")
                        .param("visuals", ParamType.FILE_LIST, "one image or video per scene, in order")
                        .param("narration", ParamType.FILE_LIST, "one audio file per scene")
                        .param("scenes", ParamType.ANY, "scenes of story_to_scenes (narration text, duration)")
                        .param("durations", ParamType.ANY, "seconds per scene")
                        .param("default_duration", ParamType.NUMBER, "seconds of a scene with nothing else to go by")
                        .param("scene_padding", ParamType.NUMBER, "seconds after each narration")
                        .param("motion", ParamType.TEXT, "auto, none, zoom_in, zoom_out, pan_left, pan_right")
                        .param("transition", ParamType.TEXT, "cut or crossfade")
                        .param("transition_duration", ParamType.NUMBER, "seconds")
                        .param("music", ParamType.FILE, "background music")
                        .param("music_volume", ParamType.NUMBER, "0..1")
                        .param("ducking", ParamType.BOOLEAN, "lower the music under narration")
                        .param("loudness", ParamType.ANY, "target LUFS, or none")
                        .param("subtitles", ParamType.BOOLEAN, "write an .srt beside the video")
                        .param("burn_subtitles", ParamType.BOOLEAN, "draw the subtitles into the picture")
                        .param("aspect_ratio", ParamType.TEXT, "16:9, 9:16 or 1:1")
                        .param("fit", ParamType.TEXT, "crop or fit (letterbox)")
                        .param("resolution", ParamType.TEXT, "720p, 1080p or WIDTHxHEIGHT")
                        .param("fps", ParamType.INTEGER, "frames per second");
                case ANALYZE_VIDEO -> b.required("video", "video_url")
                        .param("video", ParamType.FILE, "the video to cut into shots")
                        .param("video_url", ParamType.FILE, "alias of video")
                        .param("min_shot", ParamType.NUMBER, "shortest shot in seconds (default 0.5)")
                        .param("keyframes", ParamType.BOOLEAN, "write a keyframe image per shot (default true)")
                        .param("contact_sheet", ParamType.BOOLEAN, "write a contact sheet of the keyframes");
                case DETECT_FACES -> b.required("image", "image_url", "video", "video_url")
                        .param("image", ParamType.FILE, "the image to search for faces")
                        .param("image_url", ParamType.FILE, "alias of image")
                        .param("video", ParamType.FILE, "a video, sampled every 'every' seconds")
                        .param("video_url", ParamType.FILE, "alias of video")
                        .param("min_score", ParamType.NUMBER, "lowest confidence kept, 0..1")
                        .param("every", ParamType.NUMBER, "video: seconds between sampled frames")
                        .param("annotate", ParamType.BOOLEAN, "write a copy with the faces drawn on it");
                case EMBED_TEXT -> b.required("text", "texts")
                        .param("text", ParamType.TEXT, "the text to embed")
                        .param("texts", ParamType.ANY, "a list of texts (or the items of an earlier step)");
                case SEARCH_SIMILAR -> b.required("index").required("query", "text", "id")
                        .param("index", ParamType.FOLDER, "the index folder (acp content index build)")
                        .param("query", ParamType.TEXT, "what to look for")
                        .param("text", ParamType.TEXT, "alias of query")
                        .param("id", ParamType.TEXT, "an item of the index: find the items nearest to it")
                        .param("k", ParamType.INTEGER, "how many hits (default 10)")
                        .param("filter", ParamType.ANY, "metadata that hits must have, as field: value")
                        .param("where", ParamType.ANY, "numeric conditions hits must meet, as field>=number"
                                + " (or >, <=, <); one text or a list, all must hold");
                case CLUSTER_CONTENT -> b.required("index", "texts")
                        .param("index", ParamType.FOLDER, "the index folder whose items are clustered")
                        .param("texts", ParamType.ANY, "a list of texts to cluster instead of an index")
                        .param("k", ParamType.INTEGER, "number of clusters; chosen by silhouette when absent")
                        .param("method", ParamType.TEXT, "kmeans (default) or density");
                case SCORE_QUALITY -> b.required("file", "files")
                        .param("file", ParamType.FILE, "an image, audio or video file")
                        .param("files", ParamType.FILE_LIST, "several files, ranked best first");
            }
            m.put(c, b.build());
        }
        return m;
    }

    private static final class Builder {
        private final Capability capability;
        private final Map<String, Param> params = new LinkedHashMap<>();
        private final List<List<String>> required = new ArrayList<>();

        Builder(Capability capability) {
            this.capability = capability;
        }

        Builder param(String name, ParamType type, String description) {
            params.put(name, new Param(name, type, description));
            return this;
        }

        Builder required(String... anyOf) {
            required.add(List.of(anyOf));
            return this;
        }

        CapabilitySchema build() {
            return new CapabilitySchema(capability, new LinkedHashMap<>(params), required);
        }
    }
}
