package dev.acp.local;

import dev.acp.error.ProviderException;
import dev.acp.local.image.DominantColours;
import dev.acp.local.image.ImageAnalysis;
import dev.acp.local.image.ImageFacts;
import dev.acp.local.image.LoadedImage;
import dev.acp.local.quality.QualityScores;
import dev.acp.pipeline.Capability;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code image_understanding}: measurable facts about an image and a plain-English summary,
 * clearly labelled "local analysis (not AI)". Questions cannot be answered and the text says so.
 */
final class ImageUnderstandingHandler implements CapabilityHandler {
    private static final Set<String> PARAMETERS = Set.of("image", "image_path", "image_url", "prompt", "question", "model");

    private final LocalServices services;

    ImageUnderstandingHandler(LocalServices services) {
        this.services = services;
    }

    record Plan(Optional<Path> image, String question) {}

    static Plan plan(Params p) {
        return new Plan(Inputs.image(p, "image_understanding"), p.text("question", "prompt").orElse(""));
    }

    @Override
    public Set<String> parameters() {
        return PARAMETERS;
    }

    @Override
    public Capability capability() {
        return Capability.IMAGE_UNDERSTANDING;
    }

    @Override
    public void validate(Params p) {
        plan(p);
    }

    @Override
    public ProviderResult execute(ProviderRequest request) throws ProviderException, InterruptedException, IOException {
        Params p = Params.forExecute(request.parameters());
        Plan plan = plan(p);
        p.throwIfInvalid();
        Path input = plan.image().orElseThrow();
        request.context().progress(0.1, "reading " + input.getFileName());
        LoadedImage loaded = services.images().read(input, request.context().scratchDirectory());
        request.context().checkCancelled();
        request.context().progress(0.4, "measuring");
        ImageFacts facts = ImageAnalysis.analyse(loaded.image(), loaded.format(), Files.size(input));
        String report = ImageAnalysis.report(input.getFileName().toString(), facts, plan.question());
        List<Map<String, Object>> colours = facts.colours().stream()
                .map(ImageUnderstandingHandler::colour)
                .toList();
        Metadata m = Metadata.forRequest(request)
                .put("analysis", "local analysis (not AI)")
                .put("input", input.toString())
                .put("width", facts.width())
                .put("height", facts.height())
                .put("format", facts.format())
                .put("file_bytes", facts.fileBytes())
                .put("aspect_ratio", facts.aspectRatio())
                .put("orientation", facts.orientation())
                .put("dominant_colours", colours)
                .put("summary", ImageAnalysis.summary(facts));
        m.putImageStatistics(facts.statistics());
        if (!plan.question().isBlank()) {
            m.put("question", plan.question()).put("question_answered", false);
        }
        request.context().progress(1, "analysis done");
        return ProviderResult.text(report, m.build()).withQualityScore(QualityScores.text(report));
    }

    private static Map<String, Object> colour(DominantColours.Share share) {
        return Map.of("name", share.name(), "hex", share.hex(), "share", Math.round(share.share() * 1000) / 1000.0);
    }
}
