package dev.acp.server;

import dev.acp.Acp;
import dev.acp.cost.Estimator;
import dev.acp.cost.PipelineEstimate;
import dev.acp.cost.PricingCatalog;
import dev.acp.pipeline.PipelineSpec;
import dev.acp.pipeline.Problem;
import dev.acp.pipeline.SourceLocation;
import dev.acp.plan.ExecutionPlan;
import dev.acp.plan.PlanResult;
import dev.acp.plan.RunSettings;
import dev.acp.run.PublishedPricesHint;
import dev.acp.util.SafePaths;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Submitted pipelines checked the library's way ({@link Acp#check}, the validation of
 * {@code acp config validate}), plus the server's own rule: outputs only below the output root
 * (no absolute {@code output_directory}, no {@code ..}). The {@code Acp} given reads only listed
 * environment variables in templates ({@link Acp#onlyListedTemplateVariables}).
 */
final class Pipelines {
    private final Acp acp;
    private final Path outputRoot;
    private final @Nullable Path pipelinesFolder;

    Pipelines(Acp acp, Path outputRoot, @Nullable Path pipelinesFolder) {
        this.acp = acp;
        this.outputRoot = outputRoot;
        this.pipelinesFolder = pipelinesFolder;
    }

    /** What was checked: the plan (null when invalid) and every problem, the server's included. */
    record Checked(@Nullable ExecutionPlan plan, List<Problem> problems) {
        boolean valid() {
            return plan != null && problems.stream().noneMatch(Problem::isError);
        }
    }

    /** The named pipeline file under the pipelines folder; 404 when there is none (or the name leaves it). */
    Path file(String name) {
        if (pipelinesFolder == null) {
            throw ApiException.badRequest("this server has no pipelines folder; start it with --pipelines DIR, or"
                    + " send the pipeline's text in 'pipeline'");
        }
        return ConfinedFiles.findPlain(pipelinesFolder, name).orElseThrow(() -> ApiException.notFound("no pipeline '"
                + name + "' in the server's pipelines folder; GET /api/pipelines lists them"));
    }

    Checked check(PipelineRequest request, RunSettings.Mode mode) {
        RunSettings settings = new RunSettings(mode, request.offline(), request.parallel(), request.inputs(), null,
                outputRoot);
        PlanResult result = request.pipelineFile() != null ? acp.check(file(request.pipelineFile()), settings)
                : acp.check(request.pipeline(), "pipeline", outputRoot, request.format(), settings);
        List<Problem> problems = new ArrayList<>(result.problems());
        ExecutionPlan plan = result.plan();
        if (plan != null) {
            outsideRoot(plan).ifPresent(problems::add);
        }
        boolean errors = problems.stream().anyMatch(Problem::isError);
        return new Checked(errors ? null : plan, problems);
    }

    /** A valid plan, or 400 with its problems. */
    ExecutionPlan plan(PipelineRequest request, RunSettings.Mode mode) {
        Checked c = check(request, mode);
        if (!c.valid()) {
            long errors = c.problems().stream().filter(Problem::isError).count();
            throw ApiException.invalidPipeline("the pipeline is invalid (" + errors + (errors == 1 ? " problem" : " problems")
                    + "); each problem names where and how to fix it", c.problems());
        }
        return c.plan();
    }

    private Optional<Problem> outsideRoot(ExecutionPlan plan) {
        PipelineSpec spec = plan.spec();
        SourceLocation at = spec.locations().at("output_directory");
        String written = spec.outputDirectory();
        boolean escapes = written != null && (written.startsWith("/") || written.startsWith("\\")
                || written.matches("^[A-Za-z]:.*") || List.of(written.split("[/\\\\]")).contains(".."));
        Path root = SafePaths.real(outputRoot);
        if (escapes || !plan.outputDirectory().startsWith(root)) {
            return Optional.of(Problem.error(at, null, "output_directory '" + written + "' is outside the server's"
                    + " output root", "name a relative folder without '..', for example 'output'"));
        }
        return Optional.empty();
    }

    /** The estimate as {@code acp pipeline estimate --format json} prints it. */
    Map<String, Object> estimateJson(PipelineEstimate estimate, boolean detailed) {
        Map<String, Object> json = new LinkedHashMap<>(estimate.toMap(detailed));
        PublishedPricesHint.of(estimate, acp).ifPresent(h -> json.put("hint", h));
        return json;
    }

    PipelineEstimate estimate(ExecutionPlan plan, java.math.@Nullable BigDecimal limit) {
        var registry = acp.registry();
        PricingCatalog pricing = PricingCatalog.load(acp.acpHome(), null, registry.context().config());
        return PipelineEstimate.of(plan, new Estimator(pricing, registry::configuredDefaultModel), limit,
                p -> !registry.has(p) || registry.provider(p).costsMoney());
    }
}
