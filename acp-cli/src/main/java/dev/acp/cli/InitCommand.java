package dev.acp.cli;

import dev.acp.error.UsageException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code acp init --template NAME}: a starter project that validates and runs offline as written. */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Write a starter project: a pipeline file (and, for 'story', a sample story) that runs"
                + " offline as it is and on real providers without --offline.")
final class InitCommand implements Callable<Integer> {
    @Option(names = {"-t", "--template"}, required = true, paramLabel = "NAME",
            completionCandidates = TemplateNames.class, description = "The starter project: ${COMPLETION-CANDIDATES}.")
    String template;

    /** The template names, for help and completion scripts. */
    static final class TemplateNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return StarterTemplate.ids().iterator();
        }
    }

    @Option(names = {"-d", "--directory"}, paramLabel = "DIR", description = "Where to write (default: here).")
    Path directory;

    @Option(names = "--force", description = "Replace files that already exist.")
    boolean force;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}); json lists the files"
                    + " written.")
    RunCommand.Format format;

    private final CliContext context;

    InitCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws com.fasterxml.jackson.core.JsonProcessingException {
        StarterTemplate t = StarterTemplate.of(template).orElseThrow(() -> new UsageException(
                "unknown template '" + template + "' (fix: use one of " + String.join(", ", StarterTemplate.ids())
                        + dev.acp.util.Suggestions.nearest(template, StarterTemplate.ids())
                                .map(s -> "; did you mean '" + s + "'?").orElse("") + ")"));
        Path dir = directory == null ? context.workingDirectory()
                : context.workingDirectory().resolve(directory).normalize();
        List<Path> written = StarterProject.write(dir, t.files(), force);
        // Written again by every init (it is ACP's, not the user's): the templates' first line names it.
        Path schema = written.getFirst().resolveSibling(SchemaCommand.FILE_NAME);
        SchemaCommand.write(schema);
        if (format == RunCommand.Format.json) {
            java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("template", t.id());
            m.put("directory", dir.toString());
            m.put("pipeline", written.getFirst().toString());
            m.put("files", written.stream().map(Path::toString).toList());
            m.put("schema", schema.toString());
            context.out().println(CliJson.pretty().writeValueAsString(m));
            return ExitCode.OK.code();
        }
        for (Path p : written) {
            context.out().println(context.terminal().green("✓") + " wrote " + StarterProject.display(context.workingDirectory(), p));
        }
        context.out().println(context.terminal().green("✓") + " wrote " + StarterProject.display(context.workingDirectory(),
                schema) + " (the pipeline format, for editors; see README, \"Editor support\")");
        context.out().println("Template '" + t.id() + "': " + t.description() + ".");
        StarterProject.printNextSteps(context.out(), context.workingDirectory(), written.getFirst());
        return ExitCode.OK.code();
    }
}
