package dev.acp.local;

import dev.acp.error.ProviderException;
import dev.acp.local.image.ImageFormat;
import dev.acp.local.image.ImageStatistics;
import dev.acp.local.image.PreviewRenderer;
import dev.acp.pipeline.Capability;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Set;

/** {@code text_to_image}: a labelled preview drawn from the prompt. */
final class TextToImageHandler implements CapabilityHandler {
    private static final Set<String> PARAMETERS = Set.of(
            "prompt", "text", "seed", "width", "height", "image_size", "aspect_ratio", "num_images", "model");

    private final LocalServices services;

    TextToImageHandler(LocalServices services) {
        this.services = services;
    }

    record Plan(String prompt, long seed, ImageSizing.Sized size, int numImages) {}

    static Plan plan(Params p) {
        String prompt = p.text("prompt", "text").orElse("");
        if (prompt.isEmpty() && !p.isDeferred("prompt") && !p.isDeferred("text")) {
            p.issue("prompt", "text_to_image needs a prompt", "set config.prompt to a description of the image");
        }
        ImageSizing.Sized size = ImageSizing.read(p);
        int numImages = p.integer("num_images", 1, 16, "set num_images between 1 and 16").orElse(1);
        return new Plan(prompt, p.seed(), size, numImages);
    }

    @Override
    public Set<String> parameters() {
        return PARAMETERS;
    }

    @Override
    public Capability capability() {
        return Capability.TEXT_TO_IMAGE;
    }

    @Override
    public void validate(Params p) {
        plan(p);
    }

    @Override
    public ProviderResult execute(ProviderRequest request) throws ProviderException, InterruptedException, IOException {
        Params p = Params.forExecute(request.parameters());
        Plan plan = plan(p);
        OutputFormats.check(Capability.TEXT_TO_IMAGE, request.outputExtension(), p);
        p.throwIfInvalid();
        ImageFormat format = ImageFormat.fromExtension(request.outputExtension()).orElseThrow();
        var context = request.context();
        context.progress(0.05, "rendering preview");
        BufferedImage image = services.renderer().render(plan.prompt(), plan.seed(), plan.size().size());
        context.checkCancelled();
        context.progress(0.6, "writing " + format.wireName());
        services.images().write(image, format, request.outputFile(), context.scratchDirectory());
        ImageStatistics stats = ImageStatistics.of(image);
        Metadata m = Metadata.forRequest(request)
                .put("renderer", PreviewRenderer.NAME)
                .put("label", PreviewRenderer.LABEL)
                .put("width", image.getWidth())
                .put("height", image.getHeight())
                .put("size_source", plan.size().source())
                .put("format", format.wireName())
                .put("seed", plan.seed())
                .put("file_bytes", Files.size(request.outputFile()));
        if (plan.numImages() > 1) {
            m.put("num_images_requested", plan.numImages())
                    .put("num_images_rendered", 1)
                    .put("note", "the local renderer draws one preview per step; " + plan.numImages()
                            + " images were requested");
        }
        m.putImageStatistics(stats);
        context.progress(1, "preview written");
        return ProviderResult.file(m.build())
                .withQualityScore(Scoring.image(stats));
    }
}
