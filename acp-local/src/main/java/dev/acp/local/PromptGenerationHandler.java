package dev.acp.local;

import dev.acp.local.quality.QualityScores;
import dev.acp.local.text.PromptExpander;
import dev.acp.pipeline.Capability;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * {@code prompt_generation}: rule-based prompt expansion. One variant is returned as is; several
 * are returned one per line, numbered, and also listed in the metadata.
 */
final class PromptGenerationHandler implements CapabilityHandler {
    private static final Set<String> PARAMETERS = Set.of("prompt", "topic", "text", "style", "count", "seed", "model");

    record Plan(String prompt, String style, int count, long seed) {}

    static Plan plan(Params p) {
        String prompt = p.text("prompt", "topic", "text").orElse("");
        if (prompt.isEmpty() && !p.isDeferred("prompt") && !p.isDeferred("topic") && !p.isDeferred("text")) {
            p.issue("prompt", "prompt_generation needs a prompt", "set config.prompt (or topic) to the idea to expand");
        }
        String style = p.isDeferred("style") ? "" : p.text("style").orElse("");
        int count = p.integer("count", 1, 20, "set count between 1 and 20").orElse(1);
        return new Plan(prompt, style, count, p.seed());
    }

    @Override
    public Set<String> parameters() {
        return PARAMETERS;
    }

    @Override
    public Capability capability() {
        return Capability.PROMPT_GENERATION;
    }

    @Override
    public void validate(Params p) {
        plan(p);
    }

    @Override
    public ProviderResult execute(ProviderRequest request) throws dev.acp.error.ProviderException, InterruptedException {
        Params p = Params.forExecute(request.parameters());
        Plan plan = plan(p);
        p.throwIfInvalid();
        request.context().checkCancelled();
        List<String> variants = PromptExpander.expand(plan.prompt(), plan.style(), plan.seed(), plan.count());
        String text = variants.size() == 1
                ? variants.getFirst()
                : IntStream.range(0, variants.size())
                        .mapToObj(i -> (i + 1) + ". " + variants.get(i))
                        .collect(Collectors.joining("\n"));
        Metadata m = Metadata.forRequest(request)
                .put("generator", PromptExpander.GENERATOR)
                .put("style", plan.style().isEmpty() ? "none" : plan.style())
                .put("style_known", PromptExpander.STYLES.contains(plan.style().toLowerCase(java.util.Locale.ROOT)))
                .put("count", variants.size())
                .put("variants", variants)
                .put("seed", plan.seed());
        if (variants.size() < plan.count()) {
            m.put("note", "only " + variants.size() + " distinct variants could be made from the vocabularies");
        }
        return ProviderResult.text(text, m.build()).withQualityScore(QualityScores.text(variants.getFirst()));
    }
}
