package dev.acp.run;

import dev.acp.util.Version;
import dev.acp.cache.ArtifactCache;
import dev.acp.cache.CacheMode;
import dev.acp.util.Hashing;
import dev.acp.engine.ResumeState;
import dev.acp.engine.RunControl;
import dev.acp.engine.RunListener;
import dev.acp.engine.RunRequest;
import dev.acp.engine.RunResult;
import dev.acp.engine.StepResult;
import dev.acp.engine.StepStatus;
import dev.acp.env.Secrets;
import dev.acp.error.PipelineInvalidException;
import dev.acp.error.UsageException;
import dev.acp.pipeline.Problem;
import dev.acp.pipeline.load.NodeReader;
import dev.acp.plan.ExecutionPlan;
import dev.acp.plan.PlanResult;
import dev.acp.plan.PlannedForEach;
import dev.acp.plan.PlannedGroup;
import dev.acp.plan.PlannedStep;
import dev.acp.plan.PlannedTask;
import dev.acp.plan.RunSettings;
import dev.acp.util.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Starts and resumes runs that survive crashes: each run gets a folder under
 * {@code ACP_HOME/runs} with the pipeline's snapshot and its journal, uses the artifact cache,
 * and can be resumed by id. A resume skips finished steps after checking their outputs,
 * re-attaches submitted jobs by their handles, and runs the rest.
 */
public final class RunService {
    private final RunHost acp;
    private final RunStore store;
    private final ArtifactCache cache;
    private final Clock clock;
    private final Secrets secrets;

    public RunService(RunHost acp) {
        this(acp, acp.acpHome().resolve("runs"));
    }

    /**
     * Runs kept under {@code runsFolder} instead of {@code ACP_HOME/runs} (a batch keeps its rows'
     * runs in its own folder); the artifact cache is still {@code ACP_HOME/cache}. One service
     * shared by many runs shares one cache object, so identical steps of those runs in flight at
     * the same moment are made once (single flight) and served to the others.
     */
    public RunService(RunHost acp, Path runsFolder) {
        Path home = acp.acpHome();
        this.acp = acp;
        this.store = new RunStore(runsFolder);
        this.secrets = acp.secrets();
        this.cache = new ArtifactCache(home.resolve("cache"), secrets);
        this.clock = acp.engineOptions().clock();
    }

    public RunStore store() {
        return store;
    }

    public ArtifactCache cache() {
        return cache;
    }

    /**
     * Validates the pipeline and creates the run's folder; the run itself starts with
     * {@link Session#run}. Throws {@link PipelineInvalidException} before anything is written.
     */
    public Session start(Path pipelineFile, RunSettings settings, CacheMode mode) throws IOException {
        return start(pipelineFile, settings, mode, null);
    }

    /**
     * Like {@link #start(Path, RunSettings, CacheMode)}, under a run id chosen by the caller, so
     * that the run's folder can be found by that id after a crash (a batch names its rows' runs);
     * refused when a run of that id exists.
     */
    public Session start(Path pipelineFile, RunSettings settings, CacheMode mode, @Nullable String chosenId)
            throws IOException {
        if (chosenId != null) {
            store.checkNewId(chosenId);
        }
        return start(pipelineFile, acp.check(pipelineFile, settings), settings, mode, chosenId);
    }

    /**
     * Like {@link #start(Path, RunSettings, CacheMode, String)}, with the pipeline already
     * checked by the caller with these settings ({@link RunHost#check(Path, RunSettings)}): a
     * caller that validated it to estimate the run does not pay for planning it twice (a batch
     * starts a run per row).
     */
    public Session start(Path pipelineFile, PlanResult planned, RunSettings settings, CacheMode mode,
            @Nullable String chosenId) throws IOException {
        if (chosenId != null) {
            store.checkNewId(chosenId);
        }
        if (planned.plan() == null) {
            throw new PipelineInvalidException(planned.problems());
        }
        ExecutionPlan plan = planned.plan();
        byte[] bytes = Files.readAllBytes(pipelineFile);
        String sha = Hashing.sha256(new String(bytes, StandardCharsets.UTF_8));
        String runId = chosenId != null ? chosenId : acp.unguardedEngine().newRunId();
        String name = pipelineFile.getFileName().toString();
        RunMeta meta = new RunMeta(runId, plan.spec().name(), pipelineFile.toAbsolutePath().normalize().toString(), sha,
                "pipeline" + extension(name), clock.instant(), Version.current(), settings.offline(), settings.parallel(),
                settings.inputValues(), plan.outputDirectory().toString(), mode.name());
        Journal.Durability durability = free(plan) ? Journal.Durability.FORCED_ONLY : Journal.Durability.ALL;
        RunFolder folder = RunFolder.create(store.folder(runId), meta, bytes, secrets, durability);
        try {
            folder.journal().append(new JournalRecord.RunStarted(runId, plan.spec().name(), sha, clock.instant()),
                    folder.journal().syncsMilestones());
        } catch (RuntimeException e) {
            try {
                folder.close();
            } catch (IOException | RuntimeException c) {
                e.addSuppressed(c);
            }
            throw e;
        }
        return new Session(folder, true, plan, planned.warnings(), List.of(), ResumeState.NONE, mode,
                ArtifactCache.pipelineId(pipelineFile, plan.spec().name()));
    }

    /**
     * Whether nothing in the plan can cost money: every step, for_each template and fallback on a
     * provider that is installed and free (the offline engines, a private server). Such a run's
     * journal is not synced for its start and end: losing its tail in a power cut costs a re-run
     * of free steps, never a payment, while two syncs were most of a batch row's time.
     */
    private boolean free(ExecutionPlan plan) {
        List<PlannedTask> tasks = new ArrayList<>();
        for (PlannedStep step : plan.steps()) {
            switch (step) {
                case PlannedTask t -> tasks.add(t);
                case PlannedForEach f -> tasks.addAll(f.templates());
                case PlannedGroup g -> { }
            }
        }
        var registry = acp.registry();
        for (PlannedTask t : tasks) {
            List<String> providers = new ArrayList<>();
            providers.add(t.providerId());
            t.fallbacks().forEach(f -> providers.add(f.providerId()));
            for (String p : providers) {
                if (!registry.has(p) || registry.provider(p).costsMoney()) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Reopens an interrupted run.
     *
     * @param pipelineFile the pipeline to resume with, or null for the run's snapshot; when it
     *     differs from the snapshot, the steps that changed (and what depends on them) run again
     * @param modeOverride the cache mode, or null for the one the run started with
     */
    public Session resume(String idOrLatest, @Nullable Path pipelineFile, @Nullable CacheMode modeOverride)
            throws IOException {
        Path dir = store.resolve(idOrLatest);
        RunFolder folder = RunFolder.openForResume(dir, secrets);
        try {
            return resume(folder, pipelineFile, modeOverride);
        } catch (IOException | RuntimeException e) {
            folder.close();
            throw e;
        }
    }

    private Session resume(RunFolder folder, @Nullable Path pipelineFile, @Nullable CacheMode modeOverride)
            throws IOException {
        RunMeta meta = folder.meta();
        Path original = Path.of(meta.pipelineFile());
        RunSettings settings = RunSettings.run(original.getParent()).withOffline(meta.offline())
                .withParallel(meta.parallel()).withInputs(meta.inputs())
                .withOutputDirectory(Path.of(meta.outputDirectory()));
        CacheMode mode = modeOverride != null ? modeOverride : CacheMode.valueOf(meta.cacheMode());
        String snapshotText = Files.readString(folder.snapshot(), StandardCharsets.UTF_8);
        NodeReader.Format format = NodeReader.Format.forFileName(meta.snapshotName());
        PlanResult snapshotPlan = acp.check(snapshotText, meta.pipelineFile() + " (snapshot of run " + meta.runId() + ")",
                original.getParent(), format, settings);
        PlanResult planned;
        String sha;
        if (pipelineFile == null) {
            planned = snapshotPlan;
            sha = meta.pipelineSha256();
        } else {
            planned = acp.check(pipelineFile, settings);
            sha = Hashing.sha256(Files.readString(pipelineFile, StandardCharsets.UTF_8));
        }
        if (planned.plan() == null) {
            throw new PipelineInvalidException(planned.problems());
        }
        ExecutionPlan plan = planned.plan();
        List<String> notes = new ArrayList<>();
        JournalReader.Contents journal = folder.readJournal();
        notes.addAll(journal.warnings());
        RunHistory history = RunHistory.of(journal.records());
        if ("succeeded".equals(history.finishedStatus())) {
            notes.add("run " + meta.runId() + " had already succeeded; its steps are checked and reused");
        }

        Set<String> changed = new LinkedHashSet<>();
        if (!sha.equals(meta.pipelineSha256())) {
            changed.addAll(changedSteps(snapshotPlan.plan(), plan));
            notes.add(changed.isEmpty()
                    ? "the pipeline file changed since run " + meta.runId() + " started, but no step's definition did"
                    : "the pipeline file changed since run " + meta.runId() + " started; changed steps run again: "
                            + String.join(", ", changed));
        }

        Map<String, ResumeState.Prior> priors = new LinkedHashMap<>();
        Map<String, ResumeState.Route> routes = new LinkedHashMap<>();
        Set<String> rerunAfterSuccess = new HashSet<>();
        for (PlannedTask t : resumable(plan, history)) {
            RunHistory.StepState st = history.step(t.id());
            if (st == null) {
                continue;
            }
            boolean inFlight = st.inFlight();
            if (changed.contains(innerId(t.id()))) {
                if (inFlight) {
                    throw new UsageException("step '" + t.id() + "' changed since run " + meta.runId()
                            + " started, while its job " + (st.handle() != null ? st.handle().id() + " " : "")
                            + "was at " + t.providerId() + "; resume with the unchanged pipeline (omit --config) to"
                            + " collect what was paid for, or start a new run");
                }
                if (st.result() != null && st.result().succeeded()) {
                    rerunAfterSuccess.add(t.id());
                }
                continue;
            }
            StepResult done = inFlight ? null : st.result();
            if (done == null && st.completedWithoutResult() && !inFlight) {
                done = reconstructed(t, st);
            } else if (done != null && !done.succeeded() && st.paidOutputPlaced()) {
                // Paid for and in place, then failed by something after it: kept, never bought again.
                notes.add("step '" + t.id() + "' failed after its paid output was in place (" + oneLine(done) + ");"
                        + " the output is kept, not made again");
                done = reconstructed(t, st);
            }
            if (done != null && done.succeeded()) {
                String problem = verify(t, done, st);
                if (problem == null) {
                    String fingerprint = st.fingerprint() != null ? st.fingerprint()
                            : done.cache() != null ? done.cache().key() : null;
                    priors.put(t.id(), new ResumeState.Done(done, st.outputSha256(), fingerprint));
                } else {
                    notes.add(problem);
                    rerunAfterSuccess.add(t.id());
                }
            } else {
                ResumeState.Prior unfinished = ResumePriors.unfinished(st);
                if (unfinished != null) {
                    priors.put(t.id(), unfinished);
                }
            }
            if (!(priors.get(t.id()) instanceof ResumeState.Done) && !st.fallbackSwitches().isEmpty()) {
                routes.put(t.id(), route(st.fallbackSwitches()));
            }
        }
        // What depended on an output that is produced again must run again too (the cache makes
        // it free when its inputs turn out the same).
        for (String id : dependents(plan, rerunAfterSuccess)) {
            if (priors.get(id) instanceof ResumeState.Done) {
                priors.remove(id);
                notes.add("step '" + id + "' runs again because a step it depends on runs again");
            }
        }
        folder.journal().append(new JournalRecord.RunResumed(sha, List.copyOf(changed), clock.instant()), true);
        Map<String, ResumeState.Expansion> expansions = new LinkedHashMap<>();
        history.expansions().forEach((id, e) -> expansions.put(id, new ResumeState.Expansion(e.items(), e.itemsSha256())));
        return new Session(folder, false, plan, planned.warnings(), notes, new ResumeState(priors, expansions, routes), mode,
                ArtifactCache.pipelineId(original, plan.spec().name()));
    }

    /**
     * Checks a finished step's output against the hash the journal recorded; restores it from
     * the cache when it was deleted or changed. Returns a note when the step must run again.
     */
    /** Where a step's fallback chain stood, from its journaled switches (oldest first). */
    private static ResumeState.Route route(List<JournalRecord.FallbackSwitched> switches) {
        List<dev.acp.engine.FallbackSwitch> made = new ArrayList<>();
        BigDecimal cost = BigDecimal.ZERO;
        for (JournalRecord.FallbackSwitched s : switches) {
            made.add(new dev.acp.engine.FallbackSwitch(s.index(), s.fromProvider(), s.fromModel(), s.provider(),
                    s.model(), dev.acp.error.ErrorKind.valueOf(s.errorKind()), s.error(), s.cost(), s.at()));
            cost = s.cost() == null ? cost : cost.add(s.cost());
        }
        JournalRecord.FallbackSwitched last = switches.get(switches.size() - 1);
        return new ResumeState.Route(last.index(), last.provider(), last.model(), last.attempt(), made, cost);
    }

    private @Nullable String verify(PlannedTask t, StepResult done, RunHistory.StepState st) throws IOException {
        if (done.outputPath() == null) {
            return null;
        }
        String problem = verifyOutput(t, done, st);
        if (problem != null) {
            return problem;
        }
        for (dev.acp.engine.WrittenSideFile side : st.sideFiles()) {
            problem = verifySideFile(t, side);
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    /**
     * Checks a side file recorded with a finished step's output; restores it from the cache when
     * it was deleted or changed. Returns a note when the step must run again to make it.
     */
    private @Nullable String verifySideFile(PlannedTask t, dev.acp.engine.WrittenSideFile side) throws IOException {
        Path path = side.path();
        boolean present = side.content().folder() ? Files.isDirectory(path) : Files.isRegularFile(path);
        if (present && Hashing.sha256OfFileOrFolder(path).equals(side.content().sha256())) {
            return null;
        }
        Files.createDirectories(path.getParent());
        Path tmp = path.resolveSibling("." + path.getFileName() + ".restore-" + ProcessHandle.current().pid());
        try {
            dev.acp.provider.SideFile.deleteTree(tmp);
            if (cache.restoreSideFile(side.content(), tmp)) {
                dev.acp.provider.SideFile.moveIntoPlace(tmp, path);
                return null;
            }
        } finally {
            dev.acp.provider.SideFile.deleteTree(tmp);
        }
        return "step '" + t.id() + "': the file " + path + " written beside its output"
                + (Files.exists(path) ? " was changed" : " was deleted")
                + " since the step finished and is not in the cache; it runs again";
    }

    private @Nullable String verifyOutput(PlannedTask t, StepResult done, RunHistory.StepState st) throws IOException {
        Path out = done.outputPath();
        String expected = st.outputSha256();
        if (expected == null) {
            return Files.isRegularFile(out) ? null : "step '" + t.id() + "': its output " + out + " is missing; it runs again";
        }
        if (Files.isRegularFile(out) && Hashing.sha256(out).equals(expected)) {
            return null;
        }
        Files.createDirectories(out.getParent());
        Path tmp = out.resolveSibling("." + out.getFileName() + ".restore-" + ProcessHandle.current().pid());
        try {
            if (cache.restoreObject(expected, tmp)) {
                AtomicFiles.moveIntoPlace(tmp, out);
                return null;
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        return "step '" + t.id() + "': its output " + out + (Files.exists(out) ? " was changed" : " was deleted")
                + " since the step finished and is not in the cache; it runs again";
    }

    private static String oneLine(StepResult r) {
        return r.error() == null ? r.status().wireName() : r.error().message().replaceAll("\\s*\\R\\s*", " ");
    }

    /** A result for a step whose output and cost were recorded but not its end. */
    private static StepResult reconstructed(PlannedTask t, RunHistory.StepState st) {
        Path out = st.outputPath() == null ? null : Path.of(st.outputPath());
        String text = null;
        if (out != null && t.capability().producesText()) {
            try {
                text = Files.readString(out, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new StepResult(t.id(), t.typeName(), t.groupId(), t.providerId(), t.model(), StepStatus.SUCCEEDED, out,
                text, Map.of("provider_reason", t.providerReason(), "reconstructed_from_journal", true), null, null, null,
                java.time.Duration.ZERO, st.attempt(), null, st.cost(), null, false, null, List.of(),
                st.sideFiles().stream().map(dev.acp.engine.WrittenSideFile::path).toList());
    }

    /**
     * The plan's tasks, plus, for each for_each block, every expansion the journal knows of
     * ({@code image[2]}): its inner step under the expanded id, so it resumes like any task.
     */
    private static List<PlannedTask> resumable(ExecutionPlan plan, RunHistory history) {
        List<PlannedTask> out = new ArrayList<>(plan.tasks());
        for (PlannedStep s : plan.steps()) {
            if (!(s instanceof PlannedForEach f)) {
                continue;
            }
            for (PlannedTask t : f.templates()) {
                for (String id : history.steps().keySet()) {
                    if (id.startsWith(t.id() + "[") && innerId(id).equals(t.id())) {
                        var spec = t.spec();
                        out.add(new PlannedTask(new dev.acp.pipeline.TaskStepSpec(id, true, spec.capability(),
                                spec.config(), spec.outputFilename(), spec.enabled(), spec.timeout(), spec.retryCount(),
                                spec.dependsOn(), spec.provider(), spec.description(), spec.locations()),
                                t.providerId(), t.providerReason(), t.model(), t.outputPath(), t.groupId(),
                                t.dependencies(), t.enabled(), t.fallbacks()));
                    }
                }
            }
        }
        return out;
    }

    /** The inner step of an expanded id ({@code image} for {@code image[2]}); other ids unchanged. */
    private static String innerId(String id) {
        int bracket = id.indexOf('[');
        return bracket > 0 && id.endsWith("]") ? id.substring(0, bracket) : id;
    }

    /** Ids of steps whose definition differs between two plans of the same pipeline. */
    private static Set<String> changedSteps(@Nullable ExecutionPlan before, ExecutionPlan after) {
        Set<String> out = new LinkedHashSet<>();
        Map<String, String> old = new HashMap<>();
        if (before != null) {
            templatesAndTasks(before).forEach(t -> old.put(t.id(), definition(t)));
        }
        for (PlannedTask t : templatesAndTasks(after)) {
            if (!Objects.equals(old.get(t.id()), definition(t))) {
                out.add(t.id());
            }
        }
        return out;
    }

    private static List<PlannedTask> templatesAndTasks(ExecutionPlan plan) {
        List<PlannedTask> out = new ArrayList<>(plan.tasks());
        plan.steps().stream().filter(PlannedForEach.class::isInstance)
                .forEach(s -> out.addAll(((PlannedForEach) s).templates()));
        return out;
    }

    private static String definition(PlannedTask t) {
        return String.join("\u0000", t.capability().wireName(), t.providerId(), String.valueOf(t.model()),
                t.outputPath().toString(), String.valueOf(t.enabled()), String.valueOf(t.dependencies()),
                String.valueOf(new java.util.TreeMap<>(t.spec().config())), String.valueOf(t.spec().timeout()),
                String.valueOf(t.spec().retryCount()));
    }

    /** Every step that (transitively) depends on one of {@code roots}, through groups too. */
    private static Set<String> dependents(ExecutionPlan plan, Set<String> roots) {
        Map<String, List<String>> reverse = new HashMap<>();
        for (PlannedStep s : plan.steps()) {
            for (String d : s.dependencies()) {
                reverse.computeIfAbsent(d, k -> new ArrayList<>()).add(s.id());
            }
            if (s instanceof PlannedGroup g) {
                // A group's output is its members' outputs.
                g.memberIds().forEach(m -> reverse.computeIfAbsent(m, k -> new ArrayList<>()).add(g.id()));
            }
        }
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(roots);
        while (!todo.isEmpty()) {
            for (String d : reverse.getOrDefault(todo.poll(), List.of())) {
                if (seen.add(d)) {
                    todo.add(d);
                }
            }
        }
        return seen;
    }

    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? ".yaml" : name.substring(dot);
    }

    /** A run ready to go (or to go on): its plan, folder, journal and what an earlier session did. */
    public final class Session implements AutoCloseable {
        private final RunFolder folder;
        /** Whether the run was started by this session, so that its journal holds nothing of an earlier one. */
        private final boolean newRun;
        /**
         * The recorder of this session's run on the local engine, while it is the only one; null
         * before that, and after a second run or a run on another engine, whose costs may be
         * recorded elsewhere.
         */
        private volatile @Nullable JournalRecorder soleRecorder;
        private volatile int runs;
        private final ExecutionPlan plan;
        private final List<Problem> warnings;
        private final List<String> notes;
        private final ResumeState resume;
        private final CacheMode mode;
        private final String pipelineId;

        private Session(RunFolder folder, boolean newRun, ExecutionPlan plan, List<Problem> warnings, List<String> notes,
                ResumeState resume, CacheMode mode, String pipelineId) {
            this.folder = folder;
            this.plan = plan;
            this.warnings = List.copyOf(warnings);
            this.notes = List.copyOf(notes);
            this.resume = resume;
            this.newRun = newRun;
            this.mode = mode;
            this.pipelineId = pipelineId;
        }

        public ExecutionPlan plan() {
            return plan;
        }

        public String runId() {
            return folder.meta().runId();
        }

        /** What the run was started with: its settings, which a resume keeps. */
        public RunMeta meta() {
            return folder.meta();
        }

        public Path runDirectory() {
            return folder.dir();
        }

        public List<Problem> warnings() {
            return warnings;
        }

        /** What a resume found and decided, one sentence each. */
        public List<String> notes() {
            return notes;
        }

        public ResumeState resume() {
            return resume;
        }

        /** Runs (or continues) the run; journaled and cached. */
        public RunResult run(RunListener listener, RunControl control) {
            RunRequest request = new RunRequest(plan, runId(), listener, control, recorder(true),
                    mode == CacheMode.OFF ? null : cache, mode, pipelineId, resume);
            return acp.unguardedEngine().run(request);
        }

        /**
         * Runs (or continues) the run under a cost control; build it with {@link #spentByStep()}
         * so that spend before a crash counts against the limits.
         */
        public RunResult run(RunListener listener, RunControl control, dev.acp.cost.CostControl costs) {
            return run(listener, control, costs, false);
        }

        /**
         * @param resendUnknown whether a paid call whose outcome an earlier session lost is sent
         *     again (its possible first charge counted against the limits) instead of being
         *     reported as an unknown outcome
         */
        public RunResult run(RunListener listener, RunControl control, dev.acp.cost.CostControl costs,
                boolean resendUnknown) {
            RunRequest request = new RunRequest(plan, runId(), listener, control, recorder(true),
                    mode == CacheMode.OFF ? null : cache, mode, pipelineId,
                    resendUnknown ? resume.resendingUnknown() : resume, costs);
            return acp.unguardedEngine().run(request);
        }

        /** Runs (or continues) the run on another engine, with the same journal, cache and cost control. */
        public RunResult run(RunListener listener, RunControl control, dev.acp.cost.CostControl costs,
                boolean resendUnknown, RunEngine engine) {
            RunRequest request = new RunRequest(plan, runId(), listener, control, recorder(false),
                    mode == CacheMode.OFF ? null : cache, mode, pipelineId,
                    resendUnknown ? resume.resendingUnknown() : resume, costs);
            return engine.run(request, folder.meta(), folder.snapshot());
        }

        /** What each step settled in earlier sessions of this run, from the journal; each job once. */
        public Map<String, BigDecimal> spentByStep() throws IOException {
            Map<String, BigDecimal> out = new LinkedHashMap<>();
            RunHistory.of(folder.readJournal().records()).steps().forEach((id, st) -> {
                if (st.cost().signum() != 0) {
                    out.put(id, st.cost());
                }
            });
            return out;
        }

        /** A recorder for one run of this session; {@code local}: on the local engine, which journals every cost here. */
        private JournalRecorder recorder(boolean local) {
            JournalRecorder r = new JournalRecorder(folder.journal(), clock);
            soleRecorder = local && ++runs == 1 ? r : null;
            return r;
        }

        /** What the run has spent over all its sessions, each job counted once. */
        public BigDecimal spent() throws IOException {
            JournalRecorder only = soleRecorder;
            if (newRun && only != null && !only.costRecorded()) {
                // Nothing was ever settled in this run's journal, so the sum is zero without
                // reading it back (a batch row of free steps spent a tenth of its time on that).
                return BigDecimal.ZERO;
            }
            // Records of free steps may still wait for the flusher; read after writing them.
            folder.journal().flush();
            return RunHistory.of(folder.readJournal().records()).spent();
        }

        /** Keeps a copy of the report in the run's folder. */
        public void saveReport(String json) throws IOException {
            folder.writeReport(json);
        }

        @Override
        public void close() throws IOException {
            folder.close();
        }
    }
}
