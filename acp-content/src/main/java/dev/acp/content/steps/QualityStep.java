package dev.acp.content.steps;

import dev.acp.content.quality.QualityAnalyzer;
import dev.acp.content.quality.QualityDimension;
import dev.acp.content.quality.QualityReport;
import dev.acp.error.ProviderException;
import dev.acp.pipeline.Capability;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * {@code score_quality}: the quality report of each file ({@code scores}, best first: overall and
 * every named dimension), so that a pipeline can pick the best take. The step's own quality score
 * is the best file's overall score.
 */
final class QualityStep implements ContentStep {
    private final ContentEngines engines;

    QualityStep(ContentEngines engines) {
        this.engines = engines;
    }

    @Override
    public Capability capability() {
        return Capability.SCORE_QUALITY;
    }

    @Override
    public void read(StepParams p) {
        files(p);
    }

    private static List<Path> files(StepParams p) {
        if (p.has("files")) {
            return p.files("files").orElse(List.of()).stream().map(Path::of).toList();
        }
        return p.path("file").map(List::of).orElse(List.of());
    }

    @Override
    public ProviderResult run(ProviderRequest request, StepParams p) throws ProviderException, InterruptedException {
        List<Path> files = files(p);
        QualityAnalyzer analyzer = new QualityAnalyzer(engines.ffmpeg(), request.context().scratchDirectory());
        List<QualityReport> reports = new ArrayList<>();
        for (Path f : files) {
            request.context().progress((double) reports.size() / files.size(), "scoring " + f.getFileName());
            reports.add(analyzer.analyze(f));
            request.context().checkCancelled();
        }
        reports.sort(Comparator.comparingDouble(QualityReport::overall).reversed());
        List<Map<String, Object>> scores = new ArrayList<>();
        for (QualityReport r : reports) {
            List<Map<String, Object>> dims = new ArrayList<>();
            for (QualityDimension d : r.dimensions()) {
                dims.add(Answers.map("name", d.name(), "value", Answers.round(d.value(), 4), "unit", d.unit(),
                        "score", Answers.round(d.score(), 4), "weight", d.weight()));
            }
            scores.add(Answers.map("file", r.file().toString(), "kind", r.kind().name().toLowerCase(java.util.Locale.ROOT),
                    "overall", Answers.round(r.overall(), 4), "dimensions", dims));
        }
        String kind = reports.isEmpty() ? "file" : reports.get(0).kind().name().toLowerCase(java.util.Locale.ROOT);
        ProviderResult result = Answers.of(Answers.map("scores", scores), kind, Map.of("files", reports.size()));
        return reports.isEmpty() ? result : result.withQualityScore(Math.max(0, Math.min(1, reports.get(0).overall())));
    }
}
