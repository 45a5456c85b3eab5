package dev.acp.local;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.local.image.AspectRatio;
import dev.acp.local.image.Fit;
import dev.acp.local.image.ImageSize;
import dev.acp.local.media.MediaInfo;
import dev.acp.local.media.MediaProbe;
import dev.acp.local.support.StableHash;
import dev.acp.local.video.FilmTimings;
import dev.acp.local.video.Motion;
import dev.acp.local.video.Subtitles;
import dev.acp.local.video.Timeline;
import dev.acp.local.video.VideoAssembly;
import dev.acp.pipeline.Capability;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import dev.acp.provider.SideFile;
import dev.acp.provider.StepContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * {@code assemble_video}: joins one picture per scene (images or video clips) into a narrated,
 * optionally scored and subtitled H.264/AAC video with ffmpeg.
 *
 * <p>A scene lasts as long as its narration audio plus {@code scene_padding}, else its declared
 * duration ({@code durations}, then the {@code duration} of its entry in {@code scenes}), else the
 * length of its video clip, else {@code default_duration}. Each narration starts when its scene
 * starts; crossfades overlap time added to the clips, so the video is exactly as long as the sum of
 * its scenes. Subtitles come from the scenes' {@code narration} texts and are timed to the audio;
 * they are written as an {@code .srt} beside the output (same base name) and can be burnt in with
 * the bundled font. The timings the film really uses (each scene's start and end, the measured
 * length of its narration) are written beside it as {@code .timeline.json}.
 */
final class AssembleVideoHandler implements CapabilityHandler {
    static final double DEFAULT_DURATION = 4;
    static final double DEFAULT_PADDING = 0.5;
    static final double DEFAULT_TRANSITION = 0.5;
    static final double DEFAULT_MUSIC_VOLUME = 0.2;
    static final double DEFAULT_LOUDNESS = -16;
    static final int DEFAULT_FPS = 30;
    static final int DEFAULT_SHORT_SIDE = 720;
    static final double MAX_SCENE_SECONDS = 600;
    static final int MAX_SCENES = 500;
    private static final Set<String> IMAGE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "webp", "bmp", "gif", "tif", "tiff");
    private static final Set<String> PARAMETERS = Set.of(
            "visuals", "narration", "scenes", "durations", "default_duration", "scene_padding", "motion", "transition",
            "transition_duration", "music", "music_volume", "ducking", "loudness", "subtitles", "burn_subtitles",
            "aspect_ratio", "fit", "resolution", "fps", "model");
    private static final Pattern PIXELS = Pattern.compile("(\\d+)\\s*[x×]\\s*(\\d+)");
    /** The subtitles go beside the video under its base name: {@code story.mp4} gets {@code story.srt}. */
    static final String SUBTITLE_SUFFIX = ".srt";
    /**
     * The timings the film really uses go beside it too: {@code story.mp4} gets
     * {@code story.timeline.json}. They cannot go into the scenes' own file, which an earlier step
     * wrote and the cache holds under that step's key.
     */
    static final String TIMELINE_SUFFIX = ".timeline.json";
    private static final String FONT_NAME = "Liberation Sans";

    private final LocalServices services;

    AssembleVideoHandler(LocalServices services) {
        this.services = services;
    }

    /** Camera moves: per-scene varied, one for all, or none. */
    sealed interface MotionChoice {
        record Varied() implements MotionChoice {}

        record Fixed(Motion motion) implements MotionChoice {}

        record None() implements MotionChoice {}
    }

    record Plan(
            List<@Nullable Path> visuals,
            List<@Nullable Path> narration,
            List<Object> scenes,
            List<@Nullable Double> durations,
            double defaultDuration,
            double padding,
            MotionChoice motion,
            VideoAssembly.Transition transition,
            double transitionSeconds,
            @Nullable Path music,
            double musicVolume,
            boolean ducking,
            @Nullable Double loudness,
            Optional<Boolean> subtitles,
            boolean burn,
            AspectRatio ratio,
            ImageSize size,
            Fit fit,
            int fps) {}

    Plan plan(Params p) {
        List<@Nullable Path> visuals = MediaLists.files(p, "visuals");
        if (!p.has("visuals")) {
            p.issue("visuals", "assemble_video needs visuals: one image or video per scene",
                    "set visuals to a list of files, for example \"{{steps.images.outputs}}\"");
        } else if (visuals.isEmpty() && !MediaLists.deferred(p, "visuals")) {
            p.issue("visuals", "visuals is empty", "list one image or video file per scene");
        } else if (visuals.size() > MAX_SCENES) {
            p.issue("visuals", "visuals lists " + visuals.size() + " files, more than " + MAX_SCENES,
                    "assemble at most " + MAX_SCENES + " scenes per step");
        }
        List<@Nullable Path> narration = MediaLists.files(p, "narration", true);
        List<Object> scenes = MediaLists.items(p, "scenes");
        for (int i = 0; i < scenes.size(); i++) {
            if (!(scenes.get(i) instanceof Map<?, ?>) && !(p.checking() && scenes.get(i) instanceof String s && s.contains("{{"))) {
                p.issue("scenes", "scenes[" + i + "] must be a scene map (title, narration, duration), was "
                        + Params.describe(scenes.get(i)), "pass the scenes of a story_to_scenes step");
            }
        }
        List<@Nullable Double> durations = MediaLists.seconds(p, "durations", MAX_SCENE_SECONDS);
        if (!visuals.isEmpty() && !MediaLists.deferred(p, "visuals")) {
            sameLength(p, "narration", narration.size(), visuals.size());
            sameLength(p, "scenes", scenes.size(), visuals.size());
            sameLength(p, "durations", durations.size(), visuals.size());
        }
        double defaultDuration = p.number("default_duration", 0.1, MAX_SCENE_SECONDS, "s",
                "set default_duration in seconds, above 0 and at most 600").orElse(DEFAULT_DURATION);
        double padding = p.number("scene_padding", 0, 30, "s", "set scene_padding in seconds between 0 and 30")
                .orElse(DEFAULT_PADDING);
        MotionChoice motion = motion(p);
        VideoAssembly.Transition transition = p.text("transition").flatMap(t -> {
            String v = t.strip().toLowerCase(Locale.ROOT);
            return switch (v) {
                case "cut", "none" -> Optional.of(VideoAssembly.Transition.CUT);
                case "crossfade", "fade", "dissolve" -> Optional.of(VideoAssembly.Transition.CROSSFADE);
                default -> {
                    if (!p.isDeferred("transition")) {
                        p.issue("transition", "unknown transition '" + t + "'", "use cut or crossfade");
                    }
                    yield Optional.<VideoAssembly.Transition>empty();
                }
            };
        }).orElse(VideoAssembly.Transition.CROSSFADE);
        double transitionSeconds = p.number("transition_duration", 0, 5, "s",
                "set transition_duration in seconds between 0 and 5").orElse(DEFAULT_TRANSITION);
        Path music = null;
        List<@Nullable Path> musicFiles = p.has("music") && !(p.raw("music").orElseThrow() instanceof List)
                ? MediaLists.files(p, "music") : List.of();
        if (p.raw("music").orElse(null) instanceof List) {
            p.issue("music", "music must be one audio file", "set music to the path of one audio file");
        } else if (!musicFiles.isEmpty()) {
            music = musicFiles.getFirst();
        }
        double musicVolume = p.number("music_volume", 0, 1, null, "set music_volume between 0 and 1 (0.2 is a quiet bed)")
                .orElse(DEFAULT_MUSIC_VOLUME);
        boolean ducking = bool(p, "ducking").orElse(true);
        Double loudness = DEFAULT_LOUDNESS;
        Optional<String> loudnessText = p.text("loudness");
        if (loudnessText.isPresent() && !p.isDeferred("loudness")
                && loudnessText.get().strip().matches("(?i)none|off|false|no")) {
            loudness = null;
        } else {
            loudness = p.number("loudness", -70, -5, "lufs", "set loudness to a target in LUFS between -70 and -5"
                    + " (-16 for online video, -23 for broadcast) or none").orElse(DEFAULT_LOUDNESS);
        }
        Optional<Boolean> subtitles = bool(p, "subtitles");
        boolean burn = bool(p, "burn_subtitles").orElse(false);
        if (burn && subtitles.isPresent() && !subtitles.get()) {
            p.issue("burn_subtitles", "burn_subtitles is true but subtitles is false",
                    "remove subtitles: false, or set burn_subtitles: false");
        }
        AspectRatio ratio = p.text("aspect_ratio").flatMap(t -> {
            Optional<AspectRatio> r = AspectRatio.parse(t);
            if (r.isEmpty() && !p.isDeferred("aspect_ratio")) {
                p.issue("aspect_ratio", "unknown aspect_ratio '" + t + "'", "use 16:9, 9:16 or 1:1 (or " + AspectRatio.supportedList() + ")");
            }
            return r;
        }).orElse(new AspectRatio(16, 9));
        ImageSize size = size(p, ratio);
        Fit fit = p.text("fit").flatMap(t -> {
            Optional<Fit> f = Fit.parse(t.strip().equalsIgnoreCase("fit") ? "pad" : t);
            if ((f.isEmpty() || f.get() == Fit.STRETCH) && !p.isDeferred("fit")) {
                p.issue("fit", "unknown fit '" + t + "'", "use crop (fill the frame) or fit (letterbox)");
                return Optional.<Fit>empty();
            }
            return f;
        }).orElse(Fit.CROP);
        int fps = p.integer("fps", 1, 60, "set fps between 1 and 60").orElse(DEFAULT_FPS);
        return new Plan(visuals, narration, scenes, durations, defaultDuration, padding, motion, transition,
                transitionSeconds, music, musicVolume, ducking, loudness, subtitles, burn, ratio, size, fit, fps);
    }

    private static void sameLength(Params p, String name, int count, int visuals) {
        if (count != 0 && count != visuals && !MediaLists.deferred(p, name)) {
            p.issue(name, name + " has " + count + " entr" + (count == 1 ? "y" : "ies") + " but visuals has " + visuals,
                    "give " + name + " exactly one entry per scene, in the order of visuals");
        }
    }

    private static MotionChoice motion(Params p) {
        Optional<String> text = p.text("motion");
        if (text.isEmpty() || p.isDeferred("motion")) {
            return new MotionChoice.Varied();
        }
        String t = text.get().strip().toLowerCase(Locale.ROOT);
        if (t.matches("none|still|static|off|false")) {
            return new MotionChoice.None();
        }
        if (t.matches("auto|ken_burns|kenburns|varied|true")) {
            return new MotionChoice.Varied();
        }
        Optional<Motion> m = Motion.parse(t);
        if (m.isEmpty()) {
            p.issue("motion", "unknown motion '" + text.get() + "'", "use auto, none, or " + Motion.names());
            return new MotionChoice.Varied();
        }
        return new MotionChoice.Fixed(m.get());
    }

    static Optional<Boolean> bool(Params p, String name) {
        Object v = p.raw(name).orElse(null);
        if (v == null || p.isDeferred(name)) {
            return Optional.empty();
        }
        if (v instanceof Boolean b) {
            return Optional.of(b);
        }
        if (v instanceof String s) {
            String t = s.strip().toLowerCase(Locale.ROOT);
            if (t.matches("true|yes|on|1")) {
                return Optional.of(true);
            }
            if (t.matches("false|no|off|0")) {
                return Optional.of(false);
            }
        }
        p.issue(name, name + " must be true or false, was " + Params.describe(v), "set " + name + " to true or false");
        return Optional.empty();
    }

    /** {@code resolution} against the aspect ratio: 720p and 1280x720 both mean a short side of 720. */
    private static ImageSize size(Params p, AspectRatio ratio) {
        int shortSide = DEFAULT_SHORT_SIDE;
        Optional<String> resolution = p.text("resolution");
        if (resolution.isPresent() && !p.isDeferred("resolution")) {
            String r = resolution.get().strip().toLowerCase(Locale.ROOT);
            Matcher pixels = PIXELS.matcher(r);
            switch (r) {
                case "360p" -> shortSide = 360;
                case "480p", "sd" -> shortSide = 480;
                case "720p", "hd" -> shortSide = 720;
                case "1080p", "fhd", "full_hd" -> shortSide = 1080;
                case "1440p", "2k" -> shortSide = 1440;
                case "2160p", "4k", "uhd" -> shortSide = 2160;
                default -> {
                    if (pixels.matches() && Math.min(Integer.parseInt(pixels.group(1)), Integer.parseInt(pixels.group(2))) >= 16
                            && Math.max(Integer.parseInt(pixels.group(1)), Integer.parseInt(pixels.group(2))) <= 3840) {
                        shortSide = Math.min(Integer.parseInt(pixels.group(1)), Integer.parseInt(pixels.group(2)));
                    } else {
                        p.issue("resolution", "unknown resolution '" + resolution.get() + "'",
                                "use 480p, 720p, 1080p or WIDTHxHEIGHT up to 3840 (read against aspect_ratio)");
                    }
                }
            }
        }
        return ratio.withShortSide(shortSide, 2);
    }

    @Override
    public Set<String> parameters() {
        return PARAMETERS;
    }

    @Override
    public Capability capability() {
        return Capability.ASSEMBLE_VIDEO;
    }

    @Override
    public void validate(Params p) {
        plan(p);
    }

    /** What was learnt about one scene's inputs. */
    private record Prepared(VideoAssembly.Picture picture, @Nullable Path narration, double seconds,
            @Nullable Double narrationSeconds, String durationSource, Optional<String> text) {}

    @Override
    public ProviderResult execute(ProviderRequest request) throws ProviderException, InterruptedException, IOException {
        Params p = Params.forExecute(request.parameters());
        Plan plan = plan(p);
        OutputFormats.check(Capability.ASSEMBLE_VIDEO, request.outputExtension(), p);
        p.throwIfInvalid();
        StepContext context = request.context();
        Path scratch = context.scratchDirectory();
        Files.createDirectories(scratch);
        MediaProbe probe = new MediaProbe(services.ffmpeg());
        if (plan.music() != null) {
            requireFile(plan.music(), "music");
            requireAudio(probe, plan.music(), "music");
        }
        int n = plan.visuals().size();
        List<Prepared> prepared = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            context.checkCancelled();
            context.progress(0.3 * k / n, "preparing scene " + (k + 1) + " of " + n);
            prepared.add(prepare(plan, k, probe));
        }
        Timeline timeline = Timeline.of(plan.fps(), prepared.stream().map(Prepared::seconds).toList(),
                plan.transition() == VideoAssembly.Transition.CUT ? 0 : plan.transitionSeconds());

        boolean textKnown = prepared.stream().anyMatch(s -> s.text().isPresent());
        boolean writeSubtitles = plan.subtitles().orElse(textKnown) || plan.burn();
        if (writeSubtitles && !textKnown) {
            throw new ProviderException(ErrorKind.VALIDATION, "subtitles need narration text, and no scene has any;"
                    + " pass scenes (with a narration field per scene) or set subtitles: false");
        }
        Path srtPartial = null;
        SideFile srtFile = null;
        List<Subtitles.Cue> cues = List.of();
        if (writeSubtitles) {
            List<Subtitles.Spoken> spoken = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                Prepared s = prepared.get(k);
                if (s.text().isEmpty()) {
                    continue;
                }
                double start = timeline.start(k);
                double speech = s.narrationSeconds() != null ? Math.min(s.narrationSeconds(), timeline.duration(k))
                        : timeline.duration(k);
                spoken.add(new Subtitles.Spoken(s.text().get(), start, start + speech));
            }
            cues = Subtitles.cues(spoken);
            srtFile = request.sideFile(SUBTITLE_SUFFIX);
            srtPartial = scratch.resolve("subtitles.srt");
            Files.writeString(srtPartial, Subtitles.srt(cues), StandardCharsets.UTF_8);
        }
        VideoAssembly.Burn burn = null;
        if (plan.burn()) {
            Path fonts = scratch.resolve("fonts");
            Files.createDirectories(fonts);
            try {
                Files.copy(services.fonts().regularFile(), fonts.resolve("LiberationSans-Regular.ttf"));
            } catch (IllegalStateException e) {
                // The font ships inside the jar; without it burnt subtitles would fall back to whatever libass finds.
                throw new ProviderException(ErrorKind.LOCAL, "cannot burn subtitles: " + e.getMessage()
                        + "; set burn_subtitles: false (the .srt is still written) or reinstall ACP", e);
            }
            burn = new VideoAssembly.Burn(java.util.Objects.requireNonNull(srtPartial), fonts, FONT_NAME);
        }
        List<VideoAssembly.Scene> scenes = prepared.stream()
                .map(s -> new VideoAssembly.Scene(s.picture(), s.narration()))
                .toList();
        VideoAssembly.Settings settings = new VideoAssembly.Settings(plan.size().width(), plan.size().height(),
                plan.transition(), plan.fit() == Fit.PAD, plan.music(), plan.musicVolume(), plan.ducking(),
                plan.loudness(), burn, request.outputExtension());
        context.progress(0.3, "assembling " + n + " scene" + (n == 1 ? "" : "s"));
        new VideoAssembly(services.ffmpeg()).render(scenes, timeline, settings, request.outputFile(),
                f -> context.progress(0.3 + 0.7 * f, "assembling the video"));
        // Side files are written at their temporary names only once the video is complete; the engine
        // renames them into place together with the video (and caches them with it).
        List<SideFile> sideFiles = new ArrayList<>();
        SideFile timingsFile = request.sideFile(TIMELINE_SUFFIX);
        Files.writeString(timingsFile.written(), FilmTimings.json(timeline, timings(plan, prepared), plan.padding()),
                StandardCharsets.UTF_8);
        sideFiles.add(timingsFile);
        Path srt = null;
        if (srtPartial != null && srtFile != null) {
            Files.copy(srtPartial, srtFile.written(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            sideFiles.add(srtFile);
            srt = srtFile.target();
        }
        return ProviderResult.file(metadata(request, plan, prepared, timeline, srt, cues.size(), timingsFile.target())
                .build()).withSideFiles(sideFiles);
    }

    private static List<FilmTimings.Scene> timings(Plan plan, List<Prepared> prepared) {
        List<FilmTimings.Scene> out = new ArrayList<>(prepared.size());
        for (int k = 0; k < prepared.size(); k++) {
            Prepared s = prepared.get(k);
            Object scene = k < plan.scenes().size() ? plan.scenes().get(k) : null;
            out.add(new FilmTimings.Scene(MediaLists.sceneText(scene, "title"), s.durationSource(),
                    s.narration() == null ? null : s.narration().toString(), s.narrationSeconds(),
                    String.valueOf(plan.visuals().get(k))));
        }
        return out;
    }

    private Prepared prepare(Plan plan, int k, MediaProbe probe) throws ProviderException, InterruptedException {
        Path visual = plan.visuals().get(k);
        String at = "visuals[" + k + "]";
        requireFile(visual, at);
        Object scene = k < plan.scenes().size() ? plan.scenes().get(k) : null;
        Optional<String> text = MediaLists.sceneText(scene, "narration");
        Path narration = k < plan.narration().size() ? plan.narration().get(k) : null;
        Double narrationSeconds = null;
        if (narration != null) {
            requireFile(narration, "narration[" + k + "]");
            requireAudio(probe, narration, "narration[" + k + "]");
            // Decoded, not read from the header: an MP3's header length includes the encoder's
            // padding (80 ms on a short FreeTTS narration), and the scene is timed to what is heard.
            narrationSeconds = probe.decodedAudioSeconds(narration);
            if (!(narrationSeconds > 0)) {
                throw new ProviderException(ErrorKind.VALIDATION, "narration[" + k + "] (" + narration
                        + ") has no duration; check that it is a complete audio file");
            }
        }
        String extension = extension(visual);
        VideoAssembly.Picture picture;
        Double clipSeconds = null;
        if (IMAGE_EXTENSIONS.contains(extension)) {
            picture = image(plan, k, visual, probe);
        } else {
            MediaInfo info = readable(probe, visual, at);
            if (info.video().isEmpty()) {
                throw new ProviderException(ErrorKind.VALIDATION, at + " (" + visual + ") has no picture; list an image or"
                        + " a video file for each scene");
            }
            boolean still = info.durationSeconds() == null || info.hasFormat("image2") || info.format().endsWith("_pipe");
            if (still) {
                picture = image(plan, k, visual, probe);
            } else {
                picture = new VideoAssembly.Picture.Clip(visual);
                clipSeconds = info.durationSeconds();
            }
        }
        Double declared = k < plan.durations().size() ? plan.durations().get(k) : null;
        Double sceneDeclared = null;
        if (scene instanceof Map<?, ?> map && map.get("duration") != null) {
            Params scratchParams = Params.forExecute(Map.of());
            sceneDeclared = MediaLists.number(scratchParams, "scenes[" + k + "].duration", "scenes", map.get("duration"), MAX_SCENE_SECONDS);
            if (sceneDeclared == null) {
                throw new ProviderException(ErrorKind.VALIDATION, scratchParams.issues().getFirst().message()
                        + "; fix the scene's duration or pass durations");
            }
        }
        double seconds;
        String source;
        if (narrationSeconds != null) {
            seconds = narrationSeconds + plan.padding();
            source = "narration";
        } else if (declared != null) {
            seconds = declared;
            source = "durations";
        } else if (sceneDeclared != null) {
            seconds = sceneDeclared;
            source = "scene";
        } else if (clipSeconds != null) {
            seconds = clipSeconds;
            source = "clip";
        } else {
            seconds = plan.defaultDuration();
            source = "default";
        }
        return new Prepared(picture, narration, seconds, narrationSeconds, source, text);
    }

    /** An image scene: ffmpeg shapes the image to the frame itself, so it is only checked for readability here. */
    private static VideoAssembly.Picture image(Plan plan, int k, Path file, MediaProbe probe)
            throws ProviderException, InterruptedException {
        MediaInfo info = readable(probe, file, "visuals[" + k + "]");
        if (info.video().isEmpty()) {
            throw new ProviderException(ErrorKind.VALIDATION, "visuals[" + k + "] (" + file.getFileName() + ") has no"
                    + " picture; list an image or a video file for each scene");
        }
        return switch (plan.motion()) {
            case MotionChoice.None none -> new VideoAssembly.Picture.Still(file);
            case MotionChoice.Fixed fixed -> new VideoAssembly.Picture.Moving(file, fixed.motion());
            case MotionChoice.Varied varied -> new VideoAssembly.Picture.Moving(file,
                    Motion.fromHash(StableHash.of("assemble-motion", k, file.getFileName().toString())));
        };
    }

    private static void requireFile(Path file, String at) throws ProviderException {
        if (!Files.isRegularFile(file)) {
            throw new ProviderException(ErrorKind.VALIDATION, at + ": no such file " + file
                    + "; check the path (and that the step producing it ran)");
        }
        if (!Files.isReadable(file)) {
            throw new ProviderException(ErrorKind.VALIDATION, at + ": " + file + " is not readable; check its permissions");
        }
    }

    private static MediaInfo readable(MediaProbe probe, Path file, String at) throws ProviderException, InterruptedException {
        try {
            return probe.probe(file);
        } catch (ProviderException e) {
            throw new ProviderException(ErrorKind.VALIDATION, at + " (" + file.getFileName() + ") cannot be read as media;"
                    + " check that it is a complete image, audio or video file", e);
        }
    }

    private static MediaInfo requireAudio(MediaProbe probe, Path file, String at) throws ProviderException, InterruptedException {
        MediaInfo info = readable(probe, file, at);
        if (info.audio().isEmpty()) {
            throw new ProviderException(ErrorKind.VALIDATION, at + " (" + file.getFileName() + ") has no audio;"
                    + " list an audio file (wav, mp3, ...)");
        }
        return info;
    }

    private static String extension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static Metadata metadata(ProviderRequest request, Plan plan, List<Prepared> prepared, Timeline timeline,
            @Nullable Path srt, int cues, Path timings) throws IOException {
        List<Map<String, Object>> scenes = new ArrayList<>();
        for (int k = 0; k < prepared.size(); k++) {
            Prepared s = prepared.get(k);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", k);
            m.put("start", round(timeline.start(k)));
            m.put("duration", round(timeline.duration(k)));
            m.put("duration_from", s.durationSource());
            m.put("visual", plan.visuals().get(k) == null ? "" : String.valueOf(plan.visuals().get(k)));
            m.put("picture", switch (s.picture()) {
                case VideoAssembly.Picture.Moving mv -> "image, " + mv.motion().wireName();
                case VideoAssembly.Picture.Still st -> "image, still";
                case VideoAssembly.Picture.Clip c -> "video clip";
            });
            if (s.narrationSeconds() != null) {
                m.put("narration_duration", round(s.narrationSeconds()));
            }
            scenes.add(m);
        }
        Metadata meta = Metadata.forRequest(request)
                .put("engine", "ffmpeg (xfade, sidechaincompress, loudnorm, libass)")
                .put("scene_count", prepared.size())
                .put("scenes", scenes)
                .putRounded("total_duration", timeline.total())
                .put("width", plan.size().width())
                .put("height", plan.size().height())
                .put("resolution", plan.size().width() + "x" + plan.size().height())
                .put("aspect_ratio", plan.ratio().toString())
                .put("fit", plan.fit() == Fit.PAD ? "fit" : "crop")
                .put("fps", plan.fps())
                .put("transition", plan.transition() == VideoAssembly.Transition.CUT || timeline.transitionFrames() == 0
                        ? "cut" : "crossfade")
                .putRounded("transition_duration", timeline.transition())
                .put("codec", "h264")
                .put("audio_codec", "aac")
                .put("pixel_format", "yuv420p")
                .put("container", request.outputExtension())
                .put("music", plan.music() == null ? null : plan.music().toString())
                .put("ducking", plan.music() == null ? null : plan.ducking())
                .put("loudness", plan.loudness() == null ? "none" : plan.loudness() + " LUFS")
                .put("subtitle_file", srt == null ? null : srt.toString())
                .put("timeline_file", timings.toString())
                // Files written beside the main output, for whoever copies or caches results.
                .put("extra_files", srt == null ? List.of(timings.toString()) : List.of(timings.toString(), srt.toString()))
                .put("subtitle_cues", srt == null ? null : cues)
                .put("burned_subtitles", plan.burn())
                .put("file_bytes", Files.size(request.outputFile()));
        if (plan.transition() == VideoAssembly.Transition.CROSSFADE && plan.transitionSeconds() > 0
                && timeline.transition() + 1e-9 < plan.transitionSeconds() && prepared.size() > 1) {
            meta.put("transition_note", "crossfades shortened to " + round(timeline.transition())
                    + " s, half the shortest scene");
        }
        return meta;
    }

    private static double round(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }
}
