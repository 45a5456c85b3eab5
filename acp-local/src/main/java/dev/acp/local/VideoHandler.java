package dev.acp.local;

import dev.acp.error.ProviderException;
import dev.acp.local.image.AspectRatio;
import dev.acp.local.image.Background;
import dev.acp.local.image.Fit;
import dev.acp.local.image.ImageFormat;
import dev.acp.local.image.ImageOperation;
import dev.acp.local.image.ImageSize;
import dev.acp.local.image.ImageStatistics;
import dev.acp.local.image.LoadedImage;
import dev.acp.local.support.StableHash;
import dev.acp.local.video.KenBurns;
import dev.acp.local.video.Motion;
import dev.acp.local.video.VideoSettings;
import dev.acp.pipeline.Capability;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import dev.acp.provider.StepContext;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code text_to_video} and {@code image_to_video}: a pan-and-zoom over a still image, the
 * rendered preview of the prompt or the input image. A "PREVIEW" label is burnt into a corner of
 * every frame (it stays put while the camera moves) unless {@code label: false}.
 */
final class VideoHandler implements CapabilityHandler {
    static final double DEFAULT_DURATION = 5;
    static final int DEFAULT_FPS = 24;
    static final int DEFAULT_SHORT_SIDE = 720;
    static final String LABEL = "PREVIEW · local pan-and-zoom · not AI-generated";
    private static final Set<String> COMMON = Set.of(
            "duration", "aspect_ratio", "resolution", "width", "height", "fps", "motion", "seed", "label", "model");
    private static final Pattern PIXELS = Pattern.compile("(\\d+)\\s*[x×]\\s*(\\d+)");
    private static final int MAX_SOURCE_SIDE = 3840;

    private final LocalServices services;
    private final Capability capability;

    VideoHandler(LocalServices services, Capability capability) {
        if (capability != Capability.TEXT_TO_VIDEO && capability != Capability.IMAGE_TO_VIDEO) {
            throw new IllegalArgumentException("not a video capability: " + capability);
        }
        this.services = services;
        this.capability = capability;
    }

    private boolean fromText() {
        return capability == Capability.TEXT_TO_VIDEO;
    }

    record Plan(
            String prompt, Optional<Path> image, long seed, ImageSize size, int fps, int frames, Optional<Motion> motion,
            Fit fit, Background background, boolean label) {}

    Plan plan(Params p) {
        String prompt = p.text("prompt", "text").orElse("");
        Optional<Path> image = Optional.empty();
        if (fromText()) {
            if (prompt.isEmpty() && !p.isDeferred("prompt") && !p.isDeferred("text")) {
                p.issue("prompt", "text_to_video needs a prompt", "set config.prompt to a description of the scene");
            }
        } else {
            image = Inputs.image(p, "image_to_video");
        }
        double duration = p.number("duration", 0.04, 600, "s", "set duration in seconds, above 0 and at most 600")
                .orElse(DEFAULT_DURATION);
        int fps = p.integer("fps", 1, 60, "set fps between 1 and 60").orElse(DEFAULT_FPS);
        ImageSize size = size(p);
        Optional<Motion> motion = p.text("motion").flatMap(t -> {
            Optional<Motion> parsed = Motion.parse(t);
            if (parsed.isEmpty() && !p.isDeferred("motion")) {
                p.issue("motion", "unknown motion '" + t + "'", "use " + Motion.names());
            }
            return parsed;
        });
        Fit fit = Fit.CROP;
        Background background = new Background.Blurred();
        if (!fromText()) {
            fit = ImageToImageHandler.fit(p);
            background = ImageToImageHandler.background(p);
        }
        boolean label = switch (p.raw("label").orElse(Boolean.TRUE)) {
            case Boolean b -> b;
            case String t when t.strip().matches("(?i)false|no|off|none|0") -> false;
            default -> true;
        };
        int frames = Math.max(1, (int) Math.round(duration * fps));
        return new Plan(prompt, image, p.seed(), size, fps, frames, motion, fit, background, label);
    }

    /** {@code width}/{@code height}, else {@code resolution} and {@code aspect_ratio}; sides rounded to even. */
    private static ImageSize size(Params p) {
        String sideFix = "set width and height between 16 and 3840 pixels";
        Optional<Integer> width = p.integer("width", 16, 3840, sideFix);
        Optional<Integer> height = p.integer("height", 16, 3840, sideFix);
        AspectRatio ratio = ImageSizing.aspectRatio(p).orElse(new AspectRatio(16, 9));
        if (width.isPresent() && height.isPresent()) {
            return new ImageSize(even(width.get()), even(height.get()));
        }
        if (width.isPresent()) {
            return new ImageSize(even(width.get()), even((int) Math.round(width.get() / ratio.value())));
        }
        if (height.isPresent()) {
            return new ImageSize(even((int) Math.round(height.get() * ratio.value())), even(height.get()));
        }
        int shortSide = DEFAULT_SHORT_SIDE;
        Optional<String> resolution = p.text("resolution");
        if (resolution.isPresent() && !p.isDeferred("resolution")) {
            String r = resolution.get().strip().toLowerCase(Locale.ROOT);
            Matcher pixels = PIXELS.matcher(r);
            switch (r) {
                case "480p", "sd" -> shortSide = 480;
                case "720p", "hd" -> shortSide = 720;
                case "1080p", "fhd", "full_hd" -> shortSide = 1080;
                default -> {
                    if (pixels.matches()) {
                        int w = Integer.parseInt(pixels.group(1));
                        int h = Integer.parseInt(pixels.group(2));
                        if (w >= 16 && h >= 16 && w <= 3840 && h <= 3840) {
                            return new ImageSize(even(w), even(h));
                        }
                    }
                    p.issue("resolution", "unknown resolution '" + resolution.get() + "'",
                            "use 480p, 720p, 1080p or WIDTHxHEIGHT up to 3840x3840");
                }
            }
        }
        return ratio.withShortSide(shortSide, 2);
    }

    private static int even(int side) {
        return Math.max(2, side - side % 2);
    }

    @Override
    public Set<String> parameters() {
        return fromText()
                ? union(COMMON, Set.of("prompt", "text"))
                : union(COMMON, Set.of("image", "image_path", "image_url", "prompt", "fit", "background"));
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        java.util.Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    @Override
    public Capability capability() {
        return capability;
    }

    @Override
    public void validate(Params p) {
        plan(p);
    }

    @Override
    public ProviderResult execute(ProviderRequest request) throws ProviderException, InterruptedException, IOException {
        Params p = Params.forExecute(request.parameters());
        Plan plan = plan(p);
        OutputFormats.check(capability, request.outputExtension(), p);
        p.throwIfInvalid();
        StepContext context = request.context();
        Path scratch = context.scratchDirectory();
        Files.createDirectories(scratch);
        ImageSize size = plan.size();
        // zoompan moves its window in whole source pixels: a source twice the frame size makes
        // each step half an output pixel, so the motion glides instead of judders.
        double supersample = Math.min(2, (double) MAX_SOURCE_SIDE / Math.max(size.width(), size.height()));
        ImageSize sourceSize = size.scaled(Math.max(1, supersample), 2);
        context.progress(0.02, fromText() ? "rendering preview" : "preparing image");
        BufferedImage source;
        ImageStatistics stats;
        String sourceDescription;
        String motionKey;
        if (fromText()) {
            // The video burns in its own fixed label; a badge in the picture would be cut by the camera moves.
            source = services.renderer().render(plan.prompt(), plan.seed(), sourceSize, true, !plan.label());
            stats = ImageStatistics.of(source);
            sourceDescription = "preview";
            motionKey = plan.prompt();
        } else {
            Path input = plan.image().orElseThrow();
            LoadedImage loaded = services.images().read(input, scratch);
            stats = ImageStatistics.of(loaded.image());
            source = new ImageOperation.Resize(sourceSize.width(), sourceSize.height(), plan.fit(), plan.background())
                    .apply(loaded.image());
            sourceDescription = input.toString();
            motionKey = input.getFileName().toString();
        }
        context.checkCancelled();
        Path sourceFile = scratch.resolve("kenburns-source.png");
        services.images().write(source, ImageFormat.PNG, sourceFile, scratch);
        Motion motion = plan.motion().orElse(Motion.fromHash(StableHash.of("motion", plan.seed(), motionKey)));
        VideoSettings settings = new VideoSettings(
                size.width(), size.height(), plan.fps(), plan.frames(), motion, request.outputExtension());
        KenBurns.Label label = null;
        if (plan.label()) {
            label = new KenBurns.Label(LABEL, scratch.resolve("label.txt"), services.fonts().regularFile());
        }
        context.progress(0.1, "encoding video");
        services.kenBurns().render(sourceFile, settings, label, request.outputFile(),
                f -> context.progress(0.1 + 0.9 * f, "encoding video"));
        Metadata m = Metadata.forRequest(request)
                .put("engine", "ffmpeg zoompan (pan-and-zoom)")
                .put("source", sourceDescription)
                .put("width", size.width())
                .put("height", size.height())
                .put("fps", plan.fps())
                .put("frames", plan.frames())
                .putRounded("duration_seconds", settings.durationSeconds())
                .put("motion", motion.wireName())
                .put("codec", "h264")
                .put("pixel_format", "yuv420p")
                .put("container", settings.container())
                .put("seed", plan.seed())
                .put("label", plan.label() ? LABEL : "none (label: false)")
                .put("file_bytes", Files.size(request.outputFile()));
        if (!fromText() && p.has("prompt")) {
            m.put("prompt_note", "a pan-and-zoom does not follow prompts; the prompt was ignored");
        }
        m.putImageStatistics(stats);
        context.progress(1, "video written");
        return ProviderResult.file(m.build()).withQualityScore(Scoring.image(stats));
    }
}
