package dev.acp.server;

import dev.acp.Acp;
import dev.acp.catalog.ProviderCatalog;
import dev.acp.cost.ModelPrices;
import dev.acp.cost.PipelineEstimate;
import dev.acp.cost.PricingCatalog;
import dev.acp.error.BudgetRefusedException;
import dev.acp.pipeline.Problem;
import dev.acp.plan.ExecutionPlan;
import dev.acp.plan.RunSettings;
import dev.acp.provider.ProviderFactory;
import dev.acp.run.Confirmation;
import dev.acp.run.CostGate;
import dev.acp.run.PublishedPricesHint;
import dev.acp.run.RunStore;
import dev.acp.run.Runner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/** The REST API's routes: validation, estimates, runs and their events and files, models, providers. */
final class ApiRoutes {
    private final Acp acp;
    private final Pipelines pipelines;
    private final ServerRuns runs;
    private final RunViews views;
    private final EventStream stream;
    private final ServerOptions options;

    ApiRoutes(Acp acp, Pipelines pipelines, ServerRuns runs, RunViews views, EventStream stream,
            ServerOptions options) {
        this.acp = acp;
        this.pipelines = pipelines;
        this.runs = runs;
        this.views = views;
        this.stream = stream;
        this.options = options;
    }

    void mount(Router router) {
        Route.Access read = Route.Access.READ;
        Route.Access change = Route.Access.CHANGE;
        router.add(Route.get("/api/openapi.json", read, "This API as an OpenAPI 3.1 document", this::openApi));
        router.add(Route.post("/api/validate", read, "Validate a pipeline; its problems with line, column, step and fix",
                this::validate));
        router.add(Route.post("/api/estimate", read, "Estimate what a pipeline costs, as acp pipeline estimate"
                + " --format json", this::estimate));
        router.add(Route.get("/api/pipelines", read, "The pipeline files under --pipelines", this::listPipelines));
        router.add(Route.post("/api/runs", change, "Start a run (queued when --max-runs are running)", this::start));
        router.add(Route.get("/api/runs", read, "Runs, newest first, paged, filtered by status", this::list));
        router.add(Route.get("/api/runs/{id}", read, "One run: state from its journal, run.json once written",
                this::show));
        router.add(Route.get("/api/runs/{id}/events", read, "The run's events as server-sent events", this::events));
        router.add(Route.post("/api/runs/{id}/cancel", change, "Cancel a queued or running run", this::cancel));
        router.add(Route.post("/api/runs/{id}/resume", change, "Resume an interrupted or failed run", this::resume));
        router.add(Route.get("/api/runs/{id}/files/{path+}", read, "An output file of the run, with range support",
                this::file));
        router.add(Route.get("/api/models", read, "The model catalog with prices", this::models));
        router.add(Route.get("/api/providers", read, "Providers, their capabilities and whether credentials are set",
                this::providers));
    }

    private void openApi(HttpCall call) throws IOException {
        try (InputStream in = ApiRoutes.class.getResourceAsStream("openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the jar");
            }
            call.send(200, "application/json", in.readAllBytes());
        }
    }

    private void validate(HttpCall call) throws IOException {
        PipelineRequest request = PipelineRequest.of(call.jsonBody());
        Pipelines.Checked checked = pipelines.check(request, RunSettings.Mode.CHECK);
        if (!checked.valid()) {
            throw ApiException.invalidPipeline("the pipeline is invalid; each problem names where and how to fix it",
                    checked.problems());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("valid", true);
        body.put("pipeline_name", checked.plan().spec().name());
        body.put("steps", checked.plan().tasks().size());
        body.put("problems", checked.problems().stream().map(Problem::toJson).toList());
        call.json(200, body);
    }

    private void estimate(HttpCall call) throws IOException {
        PipelineRequest request = PipelineRequest.of(call.jsonBody());
        ExecutionPlan plan = pipelines.plan(request, RunSettings.Mode.CHECK);
        boolean detailed = request.detailed() || call.query("detailed").filter(v -> !v.equals("false")).isPresent();
        call.json(200, pipelines.estimateJson(pipelines.estimate(plan, request.costLimit()), detailed));
    }

    private void listPipelines(HttpCall call) throws IOException {
        List<String> names = new ArrayList<>();
        Path folder = options.pipelines();
        if (folder != null && Files.isDirectory(folder)) {
            try (Stream<Path> files = Files.walk(folder, 4)) {
                files.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                        .filter(p -> p.getFileName().toString().matches("(?i).*\\.(ya?ml|json)"))
                        .map(p -> folder.relativize(p).toString().replace(java.io.File.separatorChar, '/'))
                        .sorted().forEach(names::add);
            }
        }
        call.json(200, Map.of("pipelines", names));
    }

    private void start(HttpCall call) throws IOException {
        PipelineRequest request = PipelineRequest.of(call.jsonBody());
        ExecutionPlan plan = pipelines.plan(request, RunSettings.Mode.RUN);
        PipelineEstimate estimate = pipelines.estimate(plan, request.costLimit());
        try {
            // The run's own rules, asked now so that the client learns at once; the Runner applies them again.
            CostGate.check(CostGate.Subject.RUN, plan, estimate, false, true,
                    request.confirm() ? Confirmation.YES : Confirmation.NOBODY, PublishedPricesHint.of(estimate, acp));
        } catch (BudgetRefusedException e) {
            String message = e.getMessage().replace("pass --yes to run it", "send \"confirm\": true to run it");
            throw new ApiException(409, "budget", message, List.of(), Map.of("estimate",
                    pipelines.estimateJson(estimate, false)));
        }
        String id = acp.unguardedEngine().newRunId();
        Path file;
        if (request.pipelineFile() != null) {
            file = pipelines.file(request.pipelineFile());
        } else {
            // In the output root itself: the pipeline's relative paths then resolve where validation
            // resolved them (the output root), and within what it may read.
            file = options.outputRoot().toAbsolutePath().resolve(".submitted-" + id
                    + (request.format() == dev.acp.pipeline.load.NodeReader.Format.JSON ? ".json" : ".yaml"));
            Files.writeString(file, request.pipeline(), StandardCharsets.UTF_8);
        }
        runs.submit(new QueuedRuns.Request(id, file.toAbsolutePath(), request.inputs(), request.offline(),
                request.parallel(), request.costLimit(), request.confirm(), acp.engineOptions().clock().instant()));
        call.setHeader("Location", "/api/runs/" + id);
        call.json(201, created(id));
    }

    /** The Runner of a queued request: the library's one run path, within the server's output root. */
    static Runner runner(Acp acp, ServerOptions options, QueuedRuns.Request r) {
        if (r.isResume()) {
            return Runner.resume(acp, r.runId(), options.outputRoot());
        }
        return Runner.newRun(acp, java.util.Objects.requireNonNull(r.pipelineFile()), options.outputRoot())
                .runId(r.runId()).offline(r.offline()).parallel(r.parallel()).inputs(r.inputs())
                .costLimit(r.costLimit()).confirmation(r.confirm() ? Confirmation.YES : Confirmation.NOBODY);
    }

    private static Map<String, Object> created(String id) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("run_id", id);
        body.put("status", "queued");
        body.put("url", "/api/runs/" + id);
        body.put("events", "/api/runs/" + id + "/events");
        return body;
    }

    private void list(HttpCall call) throws IOException {
        int offset = number(call, "offset", 0, Integer.MAX_VALUE, 0);
        int limit = number(call, "limit", 1, 500, 50);
        Set<String> statuses = call.query("status").filter(s -> !s.isBlank())
                .map(s -> Set.of(s.toLowerCase(java.util.Locale.ROOT).split(","))).orElse(Set.of());
        List<Map<String, Object>> all = views.list().stream()
                .filter(r -> statuses.isEmpty() || statuses.contains((String) r.get("status"))).toList();
        List<Map<String, Object>> page = all.subList(Math.min(offset, all.size()), Math.min(all.size(),
                (int) Math.min((long) offset + limit, Integer.MAX_VALUE)));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("runs", page);
        body.put("total", all.size());
        body.put("offset", offset);
        body.put("limit", limit);
        body.put("next_offset", offset + page.size() < all.size() ? offset + page.size() : null);
        body.put("max_runs", runs.maxRuns());
        call.json(200, body);
    }

    private static int number(HttpCall call, String name, int min, int max, int fallback) {
        return call.query(name).map(v -> {
            try {
                int n = Integer.parseInt(v.strip());
                if (n < min || n > max) {
                    throw ApiException.badRequest("'" + name + "' must be between " + min + " and " + max);
                }
                return n;
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("'" + name + "' must be a whole number, not '" + v + "'");
            }
        }).orElse(fallback);
    }

    private String runId(HttpCall call) {
        String id = call.pathParameter("id");
        if (runs.get(id).isEmpty() && views.store().exact(id).isEmpty()) {
            throw ApiException.notFound("no run '" + id + "'; GET /api/runs lists the runs");
        }
        return id;
    }

    private void show(HttpCall call) throws IOException {
        String id = runId(call);
        call.send(200, "application/json", views.showJson(id).orElseThrow(() -> ApiException.notFound("no run '" + id
                + "'")));
    }

    private void events(HttpCall call) throws IOException {
        String id = runId(call);
        java.util.Optional<String> last = call.header("Last-Event-ID").or(() -> call.query("last_event_id"));
        var entry = runs.get(id);
        if (entry.isPresent()) {
            stream.send(call, entry.get().events, "", EventStream.lastId(last, ""));
        } else {
            stream.send(call, views.replay(id), "j", EventStream.lastId(last, "j"));
        }
    }

    private void cancel(HttpCall call) throws IOException {
        String id = runId(call);
        var entry = runs.get(id).filter(ServerRuns.Entry::active);
        if (entry.isEmpty()) {
            String status = views.show(id).map(m -> (String) m.get("status")).orElse("unknown");
            throw ApiException.conflict("run " + id + " is not queued or running here (it is " + status + "); only"
                    + " runs this server holds can be cancelled");
        }
        entry.get().cancel();
        call.json(202, Map.of("run_id", id, "status", entry.get().status(), "message", "cancelling: running steps"
                + " stop, paid jobs are kept for a resume"));
    }

    private void resume(HttpCall call) throws IOException {
        String id = runId(call);
        RunStore store = views.store();
        Path dir = store.exact(id).orElseThrow(() -> ApiException.conflict("run " + id + " never started, so there"
                + " is nothing to resume; start it again"));
        RunStore.Summary summary = store.summary(dir);
        if (!summary.resumable()) {
            throw ApiException.conflict("run " + id + " is " + summary.status() + "; only interrupted, failed or"
                    + " crashed runs can be resumed");
        }
        Path out = Path.of(store.meta(dir).outputDirectory());
        if (!out.startsWith(dev.acp.util.SafePaths.real(options.outputRoot()))) {
            throw ApiException.conflict("run " + id + " writes outside this server's output root; resume it with"
                    + " 'acp pipeline run --resume " + id + "'");
        }
        runs.submit(QueuedRuns.Request.resume(id, acp.engineOptions().clock().instant()));
        call.json(202, created(id));
    }

    private void file(HttpCall call) throws IOException {
        String id = runId(call);
        Path dir = views.store().exact(id).orElseThrow(() -> ApiException.notFound("run " + id + " has no files yet"));
        Path out = Path.of(views.store().meta(dir).outputDirectory());
        Path file = ConfinedFiles.find(out, call.rawPathParameter("path")).orElseThrow(() -> ApiException.notFound(
                "no such file in the output folder of run " + id));
        FileAnswer.send(call, file);
    }

    private void models(HttpCall call) throws IOException {
        ProviderCatalog catalog = acp.catalog();
        PricingCatalog pricing = PricingCatalog.load(acp.acpHome(), null, acp.registry().context().config());
        List<Map<String, Object>> rows = ModelPrices.rows(catalog, pricing);
        call.json(200, Map.of("models", rows));
    }

    private void providers(HttpCall call) throws IOException {
        var registry = acp.registry();
        List<Map<String, Object>> rows = new ArrayList<>();
        registry.factories().stream().sorted(Comparator.comparing(ProviderFactory::id)).forEach(f -> {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("id", f.id());
            r.put("name", acp.catalog().provider(f.id()).map(ProviderCatalog.ProviderEntry::name).orElse(f.id()));
            r.put("capabilities", f.capabilities().stream().map(c -> c.wireName()).sorted().toList());
            r.put("credential_variables", f.credentialVariables()); // names only, never values
            r.put("credentials_set", f.missingCredentials(registry.context()).isEmpty());
            boolean paid;
            try {
                paid = registry.provider(f.id()).costsMoney();
            } catch (RuntimeException e) {
                paid = true; // cannot be made here (its steps fail validation with the reason)
            }
            r.put("costs_money", paid);
            rows.add(r);
        });
        call.json(200, Map.of("providers", rows));
    }
}
