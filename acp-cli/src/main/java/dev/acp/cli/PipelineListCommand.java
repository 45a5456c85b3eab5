package dev.acp.cli;

import dev.acp.Acp;
import dev.acp.error.UsageException;
import dev.acp.pipeline.Problem;
import dev.acp.pipeline.load.LoadResult;
import dev.acp.plan.PlanResult;
import dev.acp.plan.RunSettings;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code acp pipeline list}: the pipeline files in a folder, each with its name, steps and whether it is valid. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "Find pipeline files (.yaml, .yml, .json with pipeline_name or steps) under a folder and"
                + " show each one's name, step count and whether it validates.")
final class PipelineListCommand implements Callable<Integer> {
    /** Deep enough for examples/seed/..., shallow enough to stay quick in a home folder. */
    static final int MAX_DEPTH = 4;
    static final int MAX_FILES = 500;
    /** Folders that hold builds, dependencies or ACP's state rather than pipelines. */
    private static final Set<String> SKIPPED = Set.of("target", "node_modules", "build", ".git", ".acp", ".mvn");

    @Option(names = {"-d", "--directory"}, paramLabel = "DIR", defaultValue = ".",
            description = "The folder to search (default: here), " + MAX_DEPTH + " levels deep.")
    Path directory;

    @Option(names = "--offline", description = "Validate as for a run with --offline (local providers, no keys).")
    boolean offline;

    @Option(names = "--format", defaultValue = "table", description = "table or json (default: ${DEFAULT-VALUE}).")
    RunsCommand.Format format;

    private final CliContext context;

    PipelineListCommand(CliContext context) {
        this.context = context;
    }

    /** One pipeline file; {@code errors} counts validation errors, {@code firstError} the first one rendered. */
    record Entry(String name, String file, int steps, boolean valid, int errors, boolean onlyCredentials,
            @Nullable String firstError) {}

    @Override
    public Integer call() throws IOException {
        Path dir = context.workingDirectory().resolve(directory).normalize();
        if (!Files.isDirectory(dir)) {
            throw new UsageException("--directory " + directory + ": no such folder (fix: name an existing folder)");
        }
        Acp acp = context.acp();
        RunSettings settings = RunSettings.check(context.workingDirectory()).withOffline(offline);
        List<Entry> entries = new ArrayList<>();
        for (Path file : candidates(dir)) {
            entries.add(entry(acp, settings, file));
        }
        if (format == RunsCommand.Format.json) {
            context.out().println(CliJson.pretty().writeValueAsString(entries.stream().map(PipelineListCommand::json).toList()));
            return ExitCode.OK.code();
        }
        if (entries.isEmpty()) {
            context.out().println("No pipeline files under " + dir + ".");
            return ExitCode.OK.code();
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NAME", "FILE", "STEPS", "STATUS"});
        Terminal t = context.terminal();
        for (Entry e : entries) {
            String status = e.valid() ? t.green("valid")
                    : e.onlyCredentials() ? t.yellow("needs credentials") + " (valid with --offline?)"
                    : t.red(e.errors() + (e.errors() == 1 ? " error" : " errors"));
            rows.add(new String[] {e.name(), e.file(), Integer.toString(e.steps()), status});
        }
        Table.print(context.out(), t, rows);
        entries.stream().filter(e -> !e.valid() && e.firstError() != null).findFirst().ifPresent(e ->
                context.out().println(t.dim("First problem: " + e.firstError() + "  (acp config validate FILE shows all)")));
        return ExitCode.OK.code();
    }

    private Entry entry(Acp acp, RunSettings settings, Path file) {
        String shown = StarterProject.display(context.workingDirectory(), file);
        LoadResult loaded = acp.load(file);
        PlanResult checked = acp.check(file, settings);
        List<Problem> errors = checked.errors();
        String name = loaded.spec() != null ? loaded.spec().name() : file.getFileName().toString();
        // A file that does not load still shows how many steps it lists at the top.
        int steps = loaded.spec() != null && !loaded.hasErrors() ? loaded.spec().tasks().size()
                : topLevel(file) instanceof Map<?, ?> m && m.get("steps") instanceof List<?> l ? l.size() : 0;
        boolean onlyCredentials = !errors.isEmpty()
                && errors.stream().allMatch(p -> p.category() == Problem.Category.CREDENTIALS);
        return new Entry(name, shown, steps, errors.isEmpty(), errors.size(), onlyCredentials,
                errors.isEmpty() ? null : errors.getFirst().render());
    }

    private static Map<String, Object> json(Entry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", e.name());
        m.put("file", e.file());
        m.put("steps", e.steps());
        m.put("valid", e.valid());
        m.put("errors", e.errors());
        m.put("only_credentials", e.onlyCredentials());
        m.put("first_error", e.firstError());
        return m;
    }

    /** Pipeline-looking files in file-name order: a mapping at the top with pipeline_name or steps. */
    private static List<Path> candidates(Path dir) throws IOException {
        List<Path> found = new ArrayList<>();
        Files.walkFileTree(dir, Set.of(), MAX_DEPTH, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                String name = d.getFileName() == null ? "" : d.getFileName().toString();
                return !d.equals(dir) && (SKIPPED.contains(name) || name.startsWith("."))
                        ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                if (found.size() < MAX_FILES && attrs.isRegularFile() && looksLikePipeline(f, attrs.size())) {
                    found.add(f);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path f, IOException e) {
                return FileVisitResult.CONTINUE;
            }
        });
        found.sort(null);
        return found;
    }

    private static boolean looksLikePipeline(Path f, long size) {
        String name = f.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!(name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json")) || size > 1024 * 1024) {
            return false;
        }
        return topLevel(f) instanceof Map<?, ?> m && (m.containsKey("pipeline_name") || m.containsKey("steps"));
    }

    /** The file's top-level value; null when it does not parse (JSON is YAML, so one parser reads both). */
    private static @Nullable Object topLevel(Path f) {
        try {
            return CliJson.yaml().readValue(f.toFile(), Object.class);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
