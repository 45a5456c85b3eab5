package dev.acp.local;

import dev.acp.error.ProviderException;
import dev.acp.local.image.AspectRatio;
import dev.acp.local.image.Background;
import dev.acp.local.image.Filter;
import dev.acp.local.image.Fit;
import dev.acp.local.image.ImageFormat;
import dev.acp.local.image.ImageOperation;
import dev.acp.local.image.ImageStatistics;
import dev.acp.local.image.LoadedImage;
import dev.acp.pipeline.Capability;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * {@code image_to_image}: real local transforms of the input image. Operations run in a fixed
 * order whatever the order of the keys: rotate, flip, reframe ({@code aspect_ratio}), resize
 * ({@code width}/{@code height}), colour adjustments, then filters in the order listed.
 */
final class ImageToImageHandler implements CapabilityHandler {
    private static final Set<String> PARAMETERS = Set.of(
            "image", "image_path", "image_url", "width", "height", "aspect_ratio", "fit", "background", "filter",
            "filters", "brightness", "contrast", "saturation", "rotate", "flip", "prompt", "strength", "model");
    private static final int MAX_SIDE = 16384;

    private final LocalServices services;

    ImageToImageHandler(LocalServices services) {
        this.services = services;
    }

    record Plan(Optional<Path> input, List<ImageOperation> operations, boolean promptIgnored) {}

    static Plan plan(Params p) {
        Optional<Path> input = Inputs.image(p, "image_to_image");
        List<ImageOperation> ops = new ArrayList<>();
        p.integer("rotate", -270, 360, "set rotate to 90, 180 or 270").ifPresent(degrees -> {
            if (degrees % 90 != 0) {
                p.issue("rotate", "rotate must be a multiple of 90 degrees, was " + degrees, "set rotate to 90, 180 or 270");
            } else if (Math.floorMod(degrees, 360) != 0) {
                ops.add(new ImageOperation.Rotate(Math.floorMod(degrees, 360)));
            }
        });
        flips(p, ops);
        Fit fit = fit(p);
        Background background = background(p);
        String sideFix = "set width and height between 1 and " + MAX_SIDE + " pixels";
        Optional<Integer> width = p.integer("width", 1, MAX_SIDE, sideFix);
        Optional<Integer> height = p.integer("height", 1, MAX_SIDE, sideFix);
        Optional<AspectRatio> ratio = ImageSizing.aspectRatio(p);
        if (ratio.isPresent() && width.isPresent() && height.isPresent()) {
            p.issue("aspect_ratio", "aspect_ratio conflicts with an exact width and height",
                    "give either aspect_ratio (optionally with one of width or height) or both width and height");
        } else {
            ratio.ifPresent(r -> ops.add(new ImageOperation.Reframe(r, fit, background)));
        }
        if (width.isPresent() || height.isPresent()) {
            ops.add(new ImageOperation.Resize(width.orElse(null), height.orElse(null), fit, background));
        }
        double brightness = p.number("brightness", -1, 1, null, "set brightness between -1 (black) and 1 (white); 0 leaves it").orElse(0.0);
        double contrast = p.number("contrast", 0, 3, null, "set contrast between 0 (flat grey) and 3; 1 leaves it").orElse(1.0);
        double saturation = p.number("saturation", 0, 3, null, "set saturation between 0 (greyscale) and 3; 1 leaves it").orElse(1.0);
        if (brightness != 0 || contrast != 1 || saturation != 1) {
            ops.add(new ImageOperation.Adjust(brightness, contrast, saturation));
        }
        List<String> filters = new ArrayList<>(p.strings("filter"));
        filters.addAll(p.strings("filters"));
        for (String name : filters) {
            Optional<Filter> filter = Filter.parse(name);
            if (filter.isPresent()) {
                ops.add(new ImageOperation.ApplyFilter(filter.get()));
            } else {
                p.issue(p.has("filter") ? "filter" : "filters", "unknown filter '" + name + "'", "use " + Filter.names());
            }
        }
        boolean promptIgnored = p.has("prompt") || p.has("strength");
        return new Plan(input, List.copyOf(ops), promptIgnored);
    }

    /** {@code fit}, default crop; an unknown value is an issue. */
    static Fit fit(Params p) {
        return p.text("fit").flatMap(t -> {
            Optional<Fit> parsed = Fit.parse(t);
            if (parsed.isEmpty() && !p.isDeferred("fit")) {
                p.issue("fit", "unknown fit '" + t + "'", "set fit to crop, pad or stretch");
            }
            return parsed;
        }).orElse(Fit.CROP);
    }

    /** {@code background} for padding, default blur; an unknown value is an issue. */
    static Background background(Params p) {
        return p.text("background").flatMap(t -> {
            Optional<Background> parsed = Background.parse(t);
            if (parsed.isEmpty() && !p.isDeferred("background")) {
                p.issue("background", "unknown background '" + t + "'",
                        "set background to blur, black, white or a colour like #336699");
            }
            return parsed;
        }).orElse(new Background.Blurred());
    }

    private static void flips(Params p, List<ImageOperation> ops) {
        Optional<Object> raw = p.raw("flip");
        if (raw.isEmpty() || p.isDeferred("flip")) {
            return;
        }
        if (raw.get() instanceof Boolean b) {
            if (b) {
                ops.add(new ImageOperation.Flip(true));
            }
            return;
        }
        for (String axis : p.strings("flip")) {
            switch (axis.toLowerCase(Locale.ROOT)) {
                case "horizontal", "h", "x", "mirror" -> ops.add(new ImageOperation.Flip(true));
                case "vertical", "v", "y" -> ops.add(new ImageOperation.Flip(false));
                case "both" -> {
                    ops.add(new ImageOperation.Flip(true));
                    ops.add(new ImageOperation.Flip(false));
                }
                default -> p.issue("flip", "unknown flip '" + axis + "'", "set flip to horizontal, vertical or both");
            }
        }
    }

    @Override
    public Set<String> parameters() {
        return PARAMETERS;
    }

    @Override
    public Capability capability() {
        return Capability.IMAGE_TO_IMAGE;
    }

    @Override
    public void validate(Params p) {
        plan(p);
    }

    @Override
    public ProviderResult execute(ProviderRequest request) throws ProviderException, InterruptedException, IOException {
        Params p = Params.forExecute(request.parameters());
        Plan plan = plan(p);
        OutputFormats.check(Capability.IMAGE_TO_IMAGE, request.outputExtension(), p);
        p.throwIfInvalid();
        ImageFormat format = ImageFormat.fromExtension(request.outputExtension()).orElseThrow();
        Path inputPath = plan.input().orElseThrow();
        var context = request.context();
        context.progress(0.05, "reading " + inputPath.getFileName());
        LoadedImage input = services.images().read(inputPath, context.scratchDirectory());
        BufferedImage image = input.image();
        List<String> applied = new ArrayList<>();
        for (int i = 0; i < plan.operations().size(); i++) {
            context.checkCancelled();
            ImageOperation op = plan.operations().get(i);
            context.progress(0.1 + 0.7 * i / plan.operations().size(), op.describe());
            image = op.apply(image);
            applied.add(op.describe());
        }
        context.checkCancelled();
        context.progress(0.85, "writing " + format.wireName());
        services.images().write(image, format, request.outputFile(), context.scratchDirectory());
        ImageStatistics stats = ImageStatistics.of(image);
        Metadata m = Metadata.forRequest(request)
                .put("engine", "local image transforms")
                .put("input", inputPath.toString())
                .put("input_width", input.image().getWidth())
                .put("input_height", input.image().getHeight())
                .put("input_format", input.format())
                .put("operations", List.copyOf(applied))
                .put("width", image.getWidth())
                .put("height", image.getHeight())
                .put("format", format.wireName())
                .put("file_bytes", Files.size(request.outputFile()));
        if (applied.isEmpty()) {
            m.put("note", "no transform was requested; the image was re-encoded as " + format.wireName());
        }
        if (plan.promptIgnored()) {
            m.put("prompt_note", "local transforms do not follow prompts; prompt and strength were ignored");
        }
        m.putImageStatistics(stats);
        context.progress(1, "image written");
        return ProviderResult.file(m.build()).withQualityScore(Scoring.image(stats));
    }
}
