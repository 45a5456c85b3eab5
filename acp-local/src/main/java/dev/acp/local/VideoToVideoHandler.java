package dev.acp.local;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.local.media.FfmpegProgress;
import dev.acp.local.media.MediaInfo;
import dev.acp.local.media.MediaProbe;
import dev.acp.local.media.MediaStream;
import dev.acp.local.process.CommandResult;
import dev.acp.local.video.VideoAssembly;
import dev.acp.pipeline.Capability;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import dev.acp.provider.SideFile;
import dev.acp.provider.StepContext;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.DoubleConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * {@code video_to_video} offline: editing helpers run with ffmpeg, chosen by {@code operation}.
 *
 * <ul>
 *   <li>{@code trim}: keeps {@code start} to {@code end} (or {@code start} plus {@code duration}), re-encoded so
 *       the cut is frame-exact.
 *   <li>{@code concat}: joins {@code videos} (after {@code video}, if given) in order, scaled and letterboxed to the
 *       first one's size and frame rate; clips without sound get silence so the audio stays in step.
 *   <li>{@code add_audio}: mixes {@code audio} (at {@code volume}) into the video's own sound.
 *   <li>{@code replace_audio}: swaps the sound for {@code audio}, keeping the picture as it is.
 *   <li>{@code extract_keyframes}: picks frames at scene changes ({@code mode: scene}, {@code threshold}) or every
 *       {@code interval} seconds ({@code mode: interval}), writes them as PNG files into {@code <name>_keyframes/}
 *       beside the output with a contact sheet, and makes the step's main output a short reel of them (a video:
 *       the step's output kind), one keyframe per {@code reel_seconds}.
 * </ul>
 *
 * <p>The output is always as long as the picture: new audio is cut or padded with silence to fit.
 */
final class VideoToVideoHandler implements CapabilityHandler {
    static final String[] VIDEO_NAMES = {"video", "video_path", "video_url", "input"};
    static final double DEFAULT_SCENE_THRESHOLD = 0.3;
    static final int DEFAULT_MAX_KEYFRAMES = 50;
    static final double DEFAULT_REEL_SECONDS = 1;
    private static final Set<String> PARAMETERS = Set.of(
            "operation", "video", "video_path", "video_url", "input", "videos", "start", "end", "duration", "audio",
            "volume", "mode", "threshold", "interval", "max_keyframes", "reel_seconds", "model", "prompt");
    private static final Pattern PTS_TIME = Pattern.compile("pts_time:\\s*(-?\\d+(?:\\.\\d+)?)");
    private static final int CONTACT_COLUMNS = 4;
    private static final String CONTACT_SHEET = "contact_sheet.png";
    /** The keyframes go into a folder beside the reel: {@code keys.mp4} gets {@code keys_keyframes/}. */
    static final String KEYFRAME_SUFFIX = "_keyframes";
    private static final int CONTACT_TILE_WIDTH = 320;

    /** The helpers, by their {@code operation} names. */
    enum Operation {
        TRIM,
        CONCAT,
        ADD_AUDIO,
        REPLACE_AUDIO,
        EXTRACT_KEYFRAMES;

        String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Optional<Operation> parse(String text) {
            String t = text.strip().toLowerCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
            return switch (t) {
                case "trim", "cut" -> Optional.of(TRIM);
                case "concat", "concatenate", "join" -> Optional.of(CONCAT);
                case "add_audio", "mix_audio" -> Optional.of(ADD_AUDIO);
                case "replace_audio" -> Optional.of(REPLACE_AUDIO);
                case "extract_keyframes", "keyframes" -> Optional.of(EXTRACT_KEYFRAMES);
                default -> Optional.empty();
            };
        }
    }

    private final LocalServices services;

    VideoToVideoHandler(LocalServices services) {
        this.services = services;
    }

    record Plan(
            @Nullable Operation operation,
            @Nullable Path video,
            List<@Nullable Path> videos,
            Optional<Double> start,
            Optional<Double> end,
            Optional<Double> duration,
            @Nullable Path audio,
            double volume,
            boolean sceneMode,
            double threshold,
            double interval,
            int maxKeyframes,
            double reelSeconds) {}

    Plan plan(Params p) {
        Operation operation = null;
        Optional<String> op = p.text("operation");
        if (op.isEmpty()) {
            if (!p.isDeferred("operation")) {
                p.issue("operation", "the local video_to_video needs an operation",
                        "set operation to trim, concat, add_audio, replace_audio or extract_keyframes");
            }
        } else if (!p.isDeferred("operation")) {
            operation = Operation.parse(op.get()).orElse(null);
            if (operation == null) {
                p.issue("operation", "unknown operation '" + op.get() + "'",
                        "use trim, concat, add_audio, replace_audio or extract_keyframes");
            }
        }
        Path video = video(p, operation != Operation.CONCAT);
        List<@Nullable Path> videos = MediaLists.files(p, "videos");
        String secondsFix = "give seconds from the start of the video, for example 1.5";
        Optional<Double> start = p.number("start", 0, 86_400, "s", secondsFix);
        Optional<Double> end = p.number("end", 0.001, 86_400, "s", secondsFix);
        Optional<Double> duration = p.number("duration", 0.001, 86_400, "s", "give the length to keep in seconds");
        Path audio = null;
        if (p.has("audio") && !p.isDeferred("audio")) {
            List<@Nullable Path> files = MediaLists.files(p, "audio");
            if (files.size() == 1) {
                audio = files.getFirst();
            } else {
                p.issue("audio", "audio must be one audio file", "set audio to the path of one audio file");
            }
        }
        double volume = p.number("volume", 0, 4, null, "set volume between 0 and 4 (1 keeps the file's level)").orElse(1.0);
        boolean sceneMode = true;
        Optional<String> mode = p.text("mode");
        if (mode.isPresent() && !p.isDeferred("mode")) {
            switch (mode.get().strip().toLowerCase(Locale.ROOT)) {
                case "scene", "scenes", "scene_change" -> sceneMode = true;
                case "interval", "every", "time" -> sceneMode = false;
                default -> p.issue("mode", "unknown keyframe mode '" + mode.get() + "'", "use scene or interval");
            }
        }
        if (p.has("interval") && !p.has("mode")) {
            sceneMode = false;
        }
        double threshold = p.number("threshold", 0.01, 1, null, "set threshold between 0.01 and 1 (0.3 finds clear cuts)")
                .orElse(DEFAULT_SCENE_THRESHOLD);
        double interval = p.number("interval", 0.04, 3600, "s", "set interval in seconds, for example 2").orElse(1.0);
        int maxKeyframes = p.integer("max_keyframes", 1, 500, "set max_keyframes between 1 and 500").orElse(DEFAULT_MAX_KEYFRAMES);
        double reelSeconds = p.number("reel_seconds", 0.1, 10, "s", "set reel_seconds between 0.1 and 10")
                .orElse(DEFAULT_REEL_SECONDS);
        if (operation != null) {
            requirements(p, operation, video, videos, start, end, duration);
        }
        return new Plan(operation, video, videos, start, end, duration, audio, volume, sceneMode, threshold, interval,
                maxKeyframes, reelSeconds);
    }

    private static void requirements(Params p, Operation operation, @Nullable Path video, List<@Nullable Path> videos,
            Optional<Double> start, Optional<Double> end, Optional<Double> duration) {
        switch (operation) {
            case TRIM -> {
                if (start.isEmpty() && end.isEmpty() && duration.isEmpty()
                        && !p.isDeferred("start") && !p.isDeferred("end") && !p.isDeferred("duration")) {
                    p.issue("start", "trim needs start, end or duration", "set start and end (or duration) in seconds");
                }
                if (end.isPresent() && duration.isPresent()) {
                    p.issue("duration", "trim takes end or duration, not both", "remove one of them");
                }
                if (end.isPresent() && end.get() <= start.orElse(0.0)) {
                    p.issue("end", "end (" + Params.format(end.get()) + " s) must be after start ("
                            + Params.format(start.orElse(0.0)) + " s)", "set end after start");
                }
            }
            case CONCAT -> {
                int count = videos.size() + (video != null ? 1 : 0);
                if (count < 2 && !MediaLists.deferred(p, "videos") && !Stream.of(VIDEO_NAMES).anyMatch(p::isDeferred)) {
                    p.issue("videos", "concat needs at least two videos, found " + count,
                            "list the clips to join under videos, in order");
                }
            }
            case ADD_AUDIO, REPLACE_AUDIO -> {
                if (!p.has("audio")) {
                    p.issue("audio", operation.wireName() + " needs an audio file", "set audio to the path of an audio file");
                }
            }
            case EXTRACT_KEYFRAMES -> {
                // Everything has a default.
            }
        }
    }

    private static @Nullable Path video(Params p, boolean required) {
        for (String name : VIDEO_NAMES) {
            if (!p.has(name)) {
                continue;
            }
            if (p.isDeferred(name)) {
                return null;
            }
            List<@Nullable Path> files = MediaLists.files(p, name);
            if (files.size() != 1) {
                p.issue(name, name + " must be one video file", "set " + name + " to the path of one video");
                return null;
            }
            return files.getFirst();
        }
        if (required) {
            p.issue("video", "video_to_video needs an input video", "set video to the path of a video file"
                    + " (for example {{steps.<id>.output}})");
        }
        return null;
    }

    @Override
    public Set<String> parameters() {
        return PARAMETERS;
    }

    @Override
    public Capability capability() {
        return Capability.VIDEO_TO_VIDEO;
    }

    @Override
    public void validate(Params p) {
        plan(p);
    }

    @Override
    public ProviderResult execute(ProviderRequest request) throws ProviderException, InterruptedException, IOException {
        Params p = Params.forExecute(request.parameters());
        Plan plan = plan(p);
        OutputFormats.check(Capability.VIDEO_TO_VIDEO, request.outputExtension(), p);
        p.throwIfInvalid();
        StepContext context = request.context();
        Files.createDirectories(context.scratchDirectory());
        MediaProbe probe = new MediaProbe(services.ffmpeg());
        Operation operation = java.util.Objects.requireNonNull(plan.operation());
        Metadata meta = Metadata.forRequest(request)
                .put("engine", "ffmpeg")
                .put("operation", operation.wireName());
        if (p.has("prompt")) {
            meta.put("prompt_note", "the local editing helpers do not follow prompts; the prompt was ignored");
        }
        DoubleConsumer progress = f -> context.progress(f, operation.wireName().replace('_', ' '));
        List<SideFile> sideFiles = List.of();
        switch (operation) {
            case TRIM -> trim(plan, probe, request, meta, progress);
            case CONCAT -> concat(plan, probe, request, meta, progress);
            case ADD_AUDIO, REPLACE_AUDIO -> audio(plan, operation == Operation.ADD_AUDIO, probe, request, meta, progress);
            case EXTRACT_KEYFRAMES -> sideFiles = List.of(keyframes(plan, probe, request, meta, progress));
        }
        MediaInfo result = probe.probe(request.outputFile());
        if (result.durationSeconds() != null) {
            meta.putRounded("duration_seconds", result.durationSeconds());
        }
        result.video().ifPresent(v -> meta.put("width", v.width()).put("height", v.height()));
        meta.put("has_audio", result.audio().isPresent()).put("file_bytes", Files.size(request.outputFile()));
        context.progress(1, "video written");
        // The engine renames the keyframe folder into place together with the reel, and caches both.
        return ProviderResult.file(meta.build()).withSideFiles(sideFiles);
    }

    private void trim(Plan plan, MediaProbe probe, ProviderRequest request, Metadata meta, DoubleConsumer progress)
            throws ProviderException, InterruptedException {
        Path video = java.util.Objects.requireNonNull(plan.video());
        MediaInfo info = input(probe, video, "video");
        double length = info.duration().orElse(Double.MAX_VALUE);
        double start = plan.start().orElse(0.0);
        if (start >= length) {
            throw new ProviderException(ErrorKind.VALIDATION, "start (" + Params.format(start) + " s) is at or after the"
                    + " end of the video (" + round(length) + " s); set start within the video");
        }
        double end = plan.end().orElse(plan.duration().map(d -> start + d).orElse(length));
        end = Math.min(end, length);
        double keep = end - start;
        List<String> args = new ArrayList<>(List.of("-loglevel", "error", "-nostats", "-progress", "pipe:1",
                "-ss", seconds(start), "-i", video.toString(), "-t", seconds(keep), "-map", "0:v:0", "-map", "0:a:0?"));
        args.addAll(encodeVideo());
        args.addAll(encodeAudio());
        args.addAll(output(request));
        services.ffmpeg().run("trimming the video", args, FfmpegProgress.ofDuration(keep, progress));
        meta.putRounded("start", start).putRounded("end", end);
    }

    private void concat(Plan plan, MediaProbe probe, ProviderRequest request, Metadata meta, DoubleConsumer progress)
            throws ProviderException, InterruptedException {
        List<Path> clips = new ArrayList<>();
        List<String> names = new ArrayList<>();
        if (plan.video() != null) {
            clips.add(plan.video());
            names.add("video");
        }
        for (int i = 0; i < plan.videos().size(); i++) {
            clips.add(java.util.Objects.requireNonNull(plan.videos().get(i)));
            names.add("videos[" + i + "]");
        }
        List<MediaInfo> infos = new ArrayList<>();
        for (int i = 0; i < clips.size(); i++) {
            MediaInfo info = input(probe, clips.get(i), names.get(i));
            if (info.durationSeconds() == null) {
                throw new ProviderException(ErrorKind.VALIDATION, names.get(i) + " (" + clips.get(i).getFileName()
                        + ") has no duration; list video files to join");
            }
            infos.add(info);
        }
        MediaStream.Video first = infos.getFirst().video().orElseThrow();
        int width = even(first.width());
        int height = even(first.height());
        int fps = first.fps() == null ? 30 : (int) Math.max(1, Math.min(60, Math.round(first.fps())));
        StringBuilder graph = new StringBuilder();
        List<String> args = new ArrayList<>(List.of("-loglevel", "error", "-nostats", "-progress", "pipe:1"));
        for (Path clip : clips) {
            args.addAll(List.of("-i", clip.toString()));
        }
        double total = 0;
        for (int i = 0; i < clips.size(); i++) {
            double length = infos.get(i).durationSeconds();
            total += length;
            graph.append('[').append(i).append(":v]scale=").append(width).append(':').append(height)
                    .append(":force_original_aspect_ratio=decrease,pad=").append(width).append(':').append(height)
                    .append(":(ow-iw)/2:(oh-ih)/2:black,fps=").append(fps).append(",setsar=1,format=yuv420p[v").append(i).append("];");
            if (infos.get(i).audio().isPresent()) {
                graph.append('[').append(i).append(":a]aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo");
            } else {
                graph.append("anullsrc=r=48000:cl=stereo");
            }
            // Each clip's sound is cut or padded to its picture, so later clips stay in sync.
            graph.append(",apad,atrim=0:").append(seconds(length)).append(",asetpts=N/SR/TB[a").append(i).append("];");
        }
        for (int i = 0; i < clips.size(); i++) {
            graph.append("[v").append(i).append("][a").append(i).append(']');
        }
        graph.append("concat=n=").append(clips.size()).append(":v=1:a=1[vout][aout]");
        args.addAll(List.of("-filter_complex", graph.toString(), "-map", "[vout]", "-map", "[aout]"));
        args.addAll(encodeVideo());
        args.addAll(encodeAudio());
        args.addAll(output(request));
        services.ffmpeg().run("joining the videos", args, FfmpegProgress.ofDuration(total, progress));
        meta.put("clips", clips.size()).put("fps", fps);
    }

    private void audio(Plan plan, boolean mix, MediaProbe probe, ProviderRequest request, Metadata meta,
            DoubleConsumer progress) throws ProviderException, InterruptedException {
        Path video = java.util.Objects.requireNonNull(plan.video());
        Path audio = java.util.Objects.requireNonNull(plan.audio());
        MediaInfo info = input(probe, video, "video");
        MediaInfo audioInfo = readable(probe, audio, "audio");
        if (audioInfo.audio().isEmpty()) {
            throw new ProviderException(ErrorKind.VALIDATION, "audio (" + audio.getFileName() + ") has no sound;"
                    + " set audio to an audio file (wav, mp3, ...)");
        }
        double length = info.duration().orElse(0);
        String added = "[1:a]aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo,volume="
                + seconds(plan.volume()) + ",apad";
        String graph;
        boolean mixed = mix && info.audio().isPresent();
        if (mixed) {
            graph = "[0:a]aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo[own];" + added
                    + "[new];[own][new]amix=inputs=2:duration=first:dropout_transition=0:normalize=0[aout]";
        } else {
            graph = added + "[aout]";
        }
        List<String> args = new ArrayList<>(List.of("-loglevel", "error", "-nostats", "-progress", "pipe:1",
                "-i", video.toString(), "-i", audio.toString(), "-filter_complex", graph,
                "-map", "0:v:0", "-map", "[aout]", "-c:v", "copy"));
        args.addAll(encodeAudio());
        if (length > 0) {
            args.addAll(List.of("-t", seconds(length)));
        }
        args.addAll(output(request));
        services.ffmpeg().run(mix ? "adding the audio" : "replacing the audio", args,
                FfmpegProgress.ofDuration(length, progress));
        meta.put("audio", audio.toString()).put("volume", plan.volume())
                .put("mixed_with_original", mixed);
        if (mix && !mixed) {
            meta.put("audio_note", "the video had no sound; the audio was added alone");
        }
    }

    /** Writes the reel as the main output and returns the keyframe folder, written at its temporary name. */
    private SideFile keyframes(Plan plan, MediaProbe probe, ProviderRequest request, Metadata meta,
            DoubleConsumer progress) throws ProviderException, InterruptedException, IOException {
        Path video = java.util.Objects.requireNonNull(plan.video());
        MediaInfo info = input(probe, video, "video");
        Path scratch = request.context().scratchDirectory();
        Path frames = scratch.resolve("keyframes");
        deleteTree(frames);
        Files.createDirectories(frames);
        String select = plan.sceneMode()
                ? "select='eq(n,0)+gt(scene," + seconds(plan.threshold()) + ")'"
                : "fps=1/" + seconds(plan.interval());
        CommandResult r = services.ffmpeg().run("extracting keyframes", List.of("-nostats", "-i", video.toString(),
                "-map", "0:v:0", "-vf", select + ",showinfo", "-vsync", "vfr", "-frames:v",
                Integer.toString(plan.maxKeyframes()), frames.resolve("keyframe_%03d.png").toString()));
        progress.accept(0.5);
        List<Double> times = new ArrayList<>();
        Matcher m = PTS_TIME.matcher(r.stderr());
        while (m.find()) {
            times.add(Double.parseDouble(m.group(1)));
        }
        List<Path> files = listPngs(frames);
        if (files.isEmpty()) {
            throw new ProviderException(ErrorKind.LOCAL, "no keyframes could be taken from " + video.getFileName()
                    + "; check that it has a picture");
        }
        int columns = Math.min(CONTACT_COLUMNS, files.size());
        int rows = (files.size() + columns - 1) / columns;
        Path sheet = scratch.resolve(CONTACT_SHEET);
        services.ffmpeg().run("drawing the contact sheet", List.of("-loglevel", "error",
                "-framerate", "1", "-i", frames.resolve("keyframe_%03d.png").toString(),
                "-vf", "scale=" + CONTACT_TILE_WIDTH + ":-2,tile=" + columns + "x" + rows + ":padding=4:margin=4",
                "-frames:v", "1", sheet.toString()));
        MediaStream.Video source = info.video().orElseThrow();
        int width = even(Math.min(source.width(), 1920));
        int height = even((int) Math.round((double) source.height() * width / Math.max(1, source.width())));
        int reelFps = 25;
        int perFrame = Math.max(1, (int) Math.round(plan.reelSeconds() * reelFps));
        List<String> reel = new ArrayList<>(List.of("-loglevel", "error", "-nostats", "-progress", "pipe:1",
                "-framerate", seconds(1.0 * reelFps / perFrame), "-i", frames.resolve("keyframe_%03d.png").toString(),
                "-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo",
                "-vf", "scale=" + width + ":" + height + ",fps=" + reelFps + ",setsar=1,format=yuv420p",
                "-map", "0:v", "-map", "1:a", "-shortest", "-frames:v", Integer.toString(perFrame * files.size())));
        reel.addAll(encodeVideo());
        reel.addAll(encodeAudio());
        reel.addAll(output(request));
        services.ffmpeg().run("making the keyframe reel", reel, FfmpegProgress.ofFrames((long) perFrame * files.size(),
                f -> progress.accept(0.6 + 0.35 * f)));
        SideFile side = request.sideFile(KEYFRAME_SUFFIX);
        Path folder = side.target();
        stage(files, sheet, side.written());
        List<Map<String, Object>> list = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            Map<String, Object> k = new LinkedHashMap<>();
            k.put("file", folder.resolve(files.get(i).getFileName()).toString());
            if (i < times.size()) {
                k.put("time", round(times.get(i)));
            }
            list.add(k);
        }
        meta.put("mode", plan.sceneMode() ? "scene" : "interval")
                .put(plan.sceneMode() ? "threshold" : "interval", plan.sceneMode() ? plan.threshold() : plan.interval())
                .put("keyframe_count", files.size())
                .put("keyframes", list)
                .put("keyframe_folder", folder.toString())
                .put("contact_sheet", folder.resolve(CONTACT_SHEET).toString())
                .put("extra_files", java.util.stream.Stream.concat(
                        list.stream().map(k -> (String) k.get("file")),
                        Stream.of(folder.resolve(CONTACT_SHEET).toString())).toList())
                .put("main_output", "a reel of the keyframes, " + Params.format(plan.reelSeconds()) + " s each");
        if (files.size() == plan.maxKeyframes()) {
            meta.put("keyframe_note", "stopped at max_keyframes (" + plan.maxKeyframes() + ")");
        }
        return side;
    }

    /**
     * Copies the finished keyframes and contact sheet into {@code staging}, the keyframe folder's
     * temporary name: the engine renames it to {@code <stem>_keyframes} once the reel is in place,
     * replacing an earlier set, so the final name never holds a half-written one.
     */
    private static void stage(List<Path> keyframes, Path sheet, Path staging) throws IOException {
        deleteTree(staging);
        Files.createDirectories(staging);
        for (Path file : keyframes) {
            Files.copy(file, staging.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.copy(sheet, staging.resolve(CONTACT_SHEET), StandardCopyOption.REPLACE_EXISTING);
    }

    private static List<Path> listPngs(Path folder) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "keyframe_*.png")) {
            files.forEach(out::add);
        }
        out.sort(Comparator.comparing(Path::toString));
        return out;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static MediaInfo input(MediaProbe probe, Path file, String at) throws ProviderException, InterruptedException {
        MediaInfo info = readable(probe, file, at);
        if (info.video().isEmpty()) {
            throw new ProviderException(ErrorKind.VALIDATION, at + " (" + file.getFileName() + ") has no picture;"
                    + " set " + at + " to a video file");
        }
        return info;
    }

    private static MediaInfo readable(MediaProbe probe, Path file, String at) throws ProviderException, InterruptedException {
        if (!Files.isRegularFile(file)) {
            throw new ProviderException(ErrorKind.VALIDATION, at + ": no such file " + file
                    + "; check the path (and that the step producing it ran)");
        }
        try {
            return probe.probe(file);
        } catch (ProviderException e) {
            throw new ProviderException(ErrorKind.VALIDATION, at + " (" + file.getFileName() + ") cannot be read as media;"
                    + " check that it is a complete video or audio file", e);
        }
    }

    private static List<String> encodeVideo() {
        return List.of("-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p");
    }

    private static List<String> encodeAudio() {
        return List.of("-c:a", "aac", "-b:a", "160k", "-ar", "48000");
    }

    private static List<String> output(ProviderRequest request) {
        List<String> args = new ArrayList<>();
        String container = request.outputExtension();
        if (!container.equals("mkv")) {
            args.addAll(List.of("-movflags", "+faststart"));
        }
        args.addAll(List.of("-f", VideoAssembly.muxerName(container), request.outputFile().toString()));
        return args;
    }

    private static int even(int side) {
        return Math.max(2, side - side % 2);
    }

    private static String seconds(double value) {
        return String.format(Locale.ROOT, "%.6f", value).replaceFirst("\\.?0+$", "");
    }

    private static double round(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }
}
