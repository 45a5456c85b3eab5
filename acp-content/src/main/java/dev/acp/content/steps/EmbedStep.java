package dev.acp.content.steps;

import dev.acp.error.ProviderException;
import dev.acp.pipeline.Capability;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code embed_text}: a unit vector per text ({@code embeddings}: text and vector), with the model's id. */
final class EmbedStep implements ContentStep {
    private final ContentEngines engines;

    EmbedStep(ContentEngines engines) {
        this.engines = engines;
    }

    @Override
    public Capability capability() {
        return Capability.EMBED_TEXT;
    }

    @Override
    public void read(StepParams p) {
        texts(p);
    }

    static List<String> texts(StepParams p) {
        List<String> texts = p.has("texts") ? p.texts("texts").orElse(List.of()) : p.text("text").map(List::of)
                .orElse(List.of());
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i).isBlank()) {
                p.problem(p.has("texts") ? "texts" : "text", (p.has("texts") ? "text " + (i + 1) + " of config.texts"
                        : "config.text") + " is empty", "give text to embed");
                break;
            }
        }
        return texts;
    }

    @Override
    public ProviderResult run(ProviderRequest request, StepParams p) throws ProviderException, InterruptedException {
        List<String> texts = texts(p);
        request.context().progress(0.1, "embedding " + texts.size() + (texts.size() == 1 ? " text" : " texts"));
        var embedder = engines.embedder();
        List<float[]> vectors = embedder.embed(texts);
        List<Map<String, Object>> list = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            list.add(Answers.map("text", texts.get(i), "vector", vector(vectors.get(i))));
        }
        Map<String, Object> body = Answers.map("model", embedder.modelId(), "dimensions", embedder.dimensions(),
                "embeddings", list);
        return Answers.of(body, "text", Map.of("texts", texts.size(), "model", embedder.modelId()));
    }

    private static List<Float> vector(float[] v) {
        List<Float> out = new ArrayList<>(v.length);
        for (float f : v) {
            out.add(f);
        }
        return out;
    }
}
