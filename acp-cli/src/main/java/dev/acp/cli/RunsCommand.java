package dev.acp.cli;

import dev.acp.engine.StepResult;
import dev.acp.run.JournalReader;
import dev.acp.run.RunHistory;
import dev.acp.run.RunService;
import dev.acp.run.RunStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code acp runs ...}: the journaled runs under ACP_HOME/runs. */
@Command(name = "runs", description = "List and inspect runs (journaled under ACP_HOME/runs) and batches.",
        mixinStandardHelpOptions = true, subcommands = {RunsCommand.ListCommand.class, RunsCommand.ShowCommand.class})
final class RunsCommand {
    private RunsCommand() {}

    /** How listings are printed. */
    enum Format {
        table,
        json
    }


    /**
     * The completion candidates of a RUN argument as a script sees them when it is made: only
     * {@link #MARKER}, which the scripts replace with a call of {@code acp runs list --ids}, since
     * the runs change after the script is installed.
     */
    static final class RunIds implements Iterable<String> {
        static final String MARKER = "__acp_run_ids__";

        @Override
        public java.util.Iterator<String> iterator() {
            return List.of(MARKER).iterator();
        }
    }

    /** {@code acp runs list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List runs, newest first.")
    static final class ListCommand implements Callable<Integer> {
        @Option(names = "--format", defaultValue = "table", description = "table or json (default: ${DEFAULT-VALUE}).")
        Format format;

        /** For completion scripts: run ids, newest first, then 'latest'; nothing else, no header. */
        @Option(names = "--ids", hidden = true)
        boolean ids;

        private final CliContext context;

        ListCommand(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() throws IOException {
            RunStore store = new RunService(context.acp()).store();
            List<RunStore.Summary> runs = store.list();
            PrintWriter out = context.out();
            if (ids) {
                runs.forEach(s -> out.println(s.runId()));
                if (!runs.isEmpty()) {
                    out.println("latest");
                }
                return ExitCode.OK.code();
            }
            if (format == Format.json) {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (RunStore.Summary s : runs) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("run_id", s.runId());
                    m.put("pipeline_name", s.pipelineName());
                    m.put("pipeline_file", s.pipelineFile());
                    m.put("created_at", s.createdAt().toString());
                    m.put("status", s.status());
                    m.put("steps", s.steps());
                    m.put("succeeded", s.succeeded());
                    m.put("failed", s.failed());
                    m.put("spent", s.spent().doubleValue());
                    m.put("resumable", s.resumable());
                    m.put("warnings", s.warnings());
                    rows.add(m);
                }
                rows.addAll(BatchListing.json(context));
                out.println(CliJson.pretty().writeValueAsString(rows));
                return ExitCode.OK.code();
            }
            if (runs.isEmpty()) {
                if (BatchListing.print(context) == 0) {
                    out.println("No runs yet in " + store.root() + ".");
                }
                return ExitCode.OK.code();
            }
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"RUN", "PIPELINE", "STARTED", "STATUS", "STEPS", "SPENT", "RESUME"});
            for (RunStore.Summary s : runs) {
                rows.add(new String[] {s.runId(), s.pipelineName(), s.createdAt().toString().replace('T', ' ')
                        .replaceAll("\\.\\d+Z$", "Z"), s.status(), s.succeeded() + "/" + s.steps() + " ok",
                    money(s.spent()), s.resumable() ? "acp pipeline run --resume " + s.runId() : "-"});
            }
            Table.print(out, context.terminal(), rows);
            BatchListing.print(context);
            return ExitCode.OK.code();
        }
    }

    /** {@code acp runs show RUN}. */
    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one run step by step.")
    static final class ShowCommand implements Callable<Integer> {
        @Parameters(paramLabel = "RUN", completionCandidates = RunIds.class,
                description = "A run id, a unique prefix of one, or 'latest'; or a batch id.")
        String run;

        @Option(names = "--format", defaultValue = "table", description = "table or json (default: ${DEFAULT-VALUE}).")
        Format format;

        private final CliContext context;

        ShowCommand(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() throws IOException {
            if (BatchListing.isBatch(context, run)) {
                return BatchListing.show(context, run, format == Format.json);
            }
            RunStore store = new RunService(context.acp()).store();
            Path dir = store.resolve(run);
            RunStore.Summary summary = store.summary(dir);
            JournalReader.Contents journal = JournalReader.read(dir.resolve("journal.jsonl"));
            RunHistory history = RunHistory.of(journal.records());
            PrintWriter out = context.out();
            if (format == Format.json) {
                Path report = dir.resolve("run.json");
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("run_id", summary.runId());
                m.put("status", summary.status());
                m.put("pipeline_file", summary.pipelineFile());
                m.put("spent", summary.spent().doubleValue());
                m.put("journal_warnings", journal.warnings());
                List<Map<String, Object>> steps = new ArrayList<>();
                history.steps().values().forEach(s -> steps.add(step(s)));
                m.put("steps", steps);
                if (Files.isRegularFile(report)) {
                    m.put("report", CliJson.pretty().readValue(report.toFile(), Map.class));
                }
                out.println(CliJson.pretty().writeValueAsString(m));
                return ExitCode.OK.code();
            }
            out.println(context.terminal().bold("Run " + summary.runId()) + "  " + summary.pipelineName() + "  "
                    + summary.status() + "  spent " + money(summary.spent()));
            out.println("Pipeline: " + summary.pipelineFile());
            out.println("Folder:   " + dir);
            journal.warnings().forEach(w -> out.println(context.terminal().yellow("warning: ") + w));
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"STEP", "STATUS", "ATTEMPTS", "PROVIDER", "COST", "DETAIL"});
            for (RunHistory.StepState s : history.steps().values()) {
                StepResult r = s.result();
                String status = r != null ? r.status().wireName()
                        : s.handle() != null ? "job in flight"
                        : s.unansweredSubmission() != null ? "submission unanswered" : "started";
                String detail = r != null && r.error() != null ? r.error().kind().wireName() + ": " + r.error().message()
                        : r != null && r.outputPath() != null ? r.outputPath().toString()
                        : s.handle() != null ? "job " + s.handle().id() + " at " + s.handle().provider()
                        : r != null && r.reason() != null ? r.reason() : "";
                rows.add(new String[] {s.step(), status, Integer.toString(s.attempt()),
                    r != null && r.provider() != null ? r.provider() : s.handle() != null ? s.handle().provider() : "-",
                    money(s.cost()), detail});
            }
            Table.print(out, context.terminal(), rows);
            if (summary.resumable()) {
                out.println("Resume with: acp pipeline run --resume " + summary.runId());
            }
            return ExitCode.OK.code();
        }

        private static Map<String, Object> step(RunHistory.StepState s) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("step_id", s.step());
            m.put("attempt", s.attempt());
            m.put("status", s.result() == null ? null : s.result().status().wireName());
            m.put("cost", s.cost().doubleValue());
            m.put("output_path", s.outputPath());
            m.put("output_sha256", s.outputSha256());
            if (s.handle() != null) {
                m.put("job", Map.of("provider", s.handle().provider(), "id", s.handle().id()));
            }
            if (s.unansweredSubmission() != null) {
                m.put("unanswered_submission", s.unansweredSubmission());
            }
            return m;
        }
    }

    static String money(BigDecimal v) {
        return "$" + v.setScale(2, RoundingMode.HALF_UP).toPlainString();
    }
}
