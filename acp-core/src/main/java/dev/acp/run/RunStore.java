package dev.acp.run;

import dev.acp.error.UsageException;
import dev.acp.util.Suggestions;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The runs under {@code ACP_HOME/runs}, one folder each, named by run id. */
public final class RunStore {
    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

    private final Path root;

    public RunStore(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    Path folder(String runId) {
        return root.resolve(runId);
    }

    /** A run as {@code acp runs list} shows it. */
    public record Summary(
            String runId,
            String pipelineName,
            String pipelineFile,
            java.time.Instant createdAt,
            String status,
            int steps,
            int succeeded,
            int failed,
            BigDecimal spent,
            boolean resumable,
            List<String> warnings) {}

    /** Every run, newest first. Runs whose folders cannot be read are listed as damaged. */
    public List<Summary> list() throws IOException {
        List<Summary> out = new ArrayList<>();
        for (Path dir : folders()) {
            out.add(summary(dir));
        }
        out.sort(Comparator.comparing(Summary::createdAt).reversed().thenComparing(Summary::runId));
        return out;
    }

    /** Every run folder, in no particular order, without reading any of them. */
    public List<Path> folders() throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(RunStore::isRunFolder).toList();
        }
    }

    /** What the run in {@code dir} was started with ({@code meta.json}): its output folder, settings, pipeline. */
    public RunMeta meta(Path dir) throws IOException {
        return RunFolder.readMeta(dir);
    }

    /** The folder of the run with exactly this id, when there is one (no prefixes, no {@code latest}). */
    public java.util.Optional<Path> exact(String runId) {
        if (!RUN_ID.matcher(runId).matches()) {
            return java.util.Optional.empty();
        }
        Path dir = folder(runId);
        return isRunFolder(dir) ? java.util.Optional.of(dir) : java.util.Optional.empty();
    }

    /** The summary of one run folder. */
    public Summary summary(Path dir) {
        try {
            JournalReader.Contents journal = JournalReader.read(dir.resolve(RunFolder.JOURNAL));
            return summary(dir, RunHistory.of(journal.records()), journal.warnings());
        } catch (IOException | RuntimeException e) {
            return damaged(dir, e);
        }
    }

    /**
     * The summary of one run folder whose journal the caller has read already (into
     * {@code h}, with its {@code warnings}): a large journal is then parsed once, not twice.
     */
    public Summary summary(Path dir, RunHistory h, List<String> warnings) {
        try {
            RunMeta meta = RunFolder.readMeta(dir);
            int succeeded = 0;
            int failed = 0;
            for (RunHistory.StepState s : h.steps().values()) {
                if (s.result() == null || s.result().stepType().equals("parallel_group")) {
                    continue;
                }
                switch (s.result().status()) {
                    case SUCCEEDED -> succeeded++;
                    case FAILED, SKIPPED -> failed++;
                    default -> { }
                }
            }
            String status;
            if (RunFolder.inUse(dir)) {
                status = "running";
            } else if (h.finishedStatus() != null) {
                status = h.finishedStatus();
            } else {
                status = "crashed";
            }
            boolean resumable = !status.equals("succeeded") && !status.equals("running");
            int steps = (int) h.steps().values().stream()
                    .filter(s -> s.result() == null || !s.result().stepType().equals("parallel_group")).count();
            return new Summary(meta.runId(), meta.pipelineName(), meta.pipelineFile(), meta.createdAt(), status, steps,
                    succeeded, failed, h.spent(), resumable, warnings);
        } catch (IOException | RuntimeException e) {
            return damaged(dir, e);
        }
    }

    private static Summary damaged(Path dir, Exception e) {
        return new Summary(dir.getFileName().toString(), "?", "?", java.time.Instant.EPOCH, "damaged", 0, 0, 0,
                BigDecimal.ZERO, false, List.of(dir + ": " + e.getMessage()));
    }

    /** Whether a session (of this process or another) holds the run in {@code dir} now. */
    public boolean inUse(Path dir) {
        return RunFolder.inUse(dir);
    }

    /**
     * The folder of a run given by id, unique id prefix, or {@code latest}; a clear error when
     * there is no such run.
     */
    public Path resolve(String idOrLatest) throws IOException {
        if (idOrLatest.equals("latest")) {
            List<Summary> runs = list().stream().filter(s -> !s.status().equals("damaged")).toList();
            if (runs.isEmpty()) {
                throw new UsageException("there are no runs in " + root + " to resume");
            }
            return folder(runs.get(0).runId());
        }
        if (!RUN_ID.matcher(idOrLatest).matches()) {
            throw new UsageException("'" + idOrLatest + "' is not a run id; see 'acp runs list'");
        }
        Path exact = folder(idOrLatest);
        if (Files.isDirectory(exact)) {
            return exact;
        }
        List<String> ids = ids();
        List<String> prefixed = ids.stream().filter(i -> i.startsWith(idOrLatest)).toList();
        if (prefixed.size() == 1) {
            return folder(prefixed.get(0));
        }
        if (prefixed.size() > 1) {
            throw new UsageException("run id '" + idOrLatest + "' is ambiguous: " + String.join(", ", prefixed));
        }
        String hint = Suggestions.nearest(idOrLatest, ids).map(s -> "; did you mean " + s + "?")
                .orElse("; see 'acp runs list'");
        throw new UsageException("no run '" + idOrLatest + "' in " + root + hint);
    }

    /** Refuses an id that is not a valid run id or whose run exists already. */
    void checkNewId(String runId) {
        if (!RUN_ID.matcher(runId).matches()) {
            throw new UsageException("'" + runId + "' cannot name a run: use letters, digits, '.', '_' and '-',"
                    + " starting with a letter or digit");
        }
        if (Files.exists(folder(runId))) {
            throw new UsageException("run " + runId + " exists already in " + root + "; resume it instead");
        }
    }

    /** Run folders; hidden ones are runs still being created (or abandoned while being created). */
    private static boolean isRunFolder(Path p) {
        return Files.isDirectory(p) && !p.getFileName().toString().startsWith(".");
    }

    private List<String> ids() throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(RunStore::isRunFolder).map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

}
