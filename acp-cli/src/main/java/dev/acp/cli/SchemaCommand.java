package dev.acp.cli;

import dev.acp.error.UsageException;
import dev.acp.pipeline.schema.PipelineSchema;
import dev.acp.util.AtomicFiles;
import dev.acp.util.Version;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code acp schema}: the JSON Schema of pipeline files, made from the checks the validator runs, for
 * editors (VS Code's YAML extension, IntelliJ) to complete and check pipelines as they are typed.
 */
@Command(name = "schema", mixinStandardHelpOptions = true,
        description = "Print the JSON Schema of pipeline files (YAML or JSON), for editors to complete and check"
                + " them as you type. 'acp config validate' still has the last word: it also checks references,"
                + " providers and files.",
        footer = {"", "Use it (see README, \"Editor support\"):",
            "  acp schema --output acp-pipeline.schema.json",
            "  then start a pipeline file with: # yaml-language-server: $schema=acp-pipeline.schema.json"})
final class SchemaCommand implements Callable<Integer> {

    /** The name 'acp init' writes the schema under, beside the pipeline file its templates point at. */
    static final String FILE_NAME = "acp-pipeline.schema.json";

    /** The first line of a pipeline file that editors with the YAML language server read the schema from. */
    static final String MODELINE = "# yaml-language-server: $schema=" + FILE_NAME;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the schema to FILE instead of"
            + " standard output.")
    Path output;

    private final CliContext context;

    SchemaCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        if (output == null) {
            context.out().println(text());
            context.out().flush();
            return ExitCode.OK.code();
        }
        Path file = context.workingDirectory().resolve(output).normalize();
        write(file);
        context.err().println("wrote " + StarterProject.display(context.workingDirectory(), file));
        return ExitCode.OK.code();
    }

    /** The schema as indented JSON. */
    static String text() {
        try {
            return CliJson.pretty().writeValueAsString(PipelineSchema.jsonSchema(Version.current()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("the pipeline schema cannot be written as JSON", e);
        }
    }

    /**
     * Writes the schema to {@code file}, replacing an older one: it is ACP's own file, made again by
     * every 'acp init', so it follows the ACP in use.
     */
    static void write(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = parent.resolve("." + file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
            try {
                Files.writeString(tmp, text() + "\n", StandardCharsets.UTF_8);
                AtomicFiles.replace(tmp, file);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UsageException("cannot write " + file + ": " + e.getMessage()
                    + " (fix: check that the folder exists and is writable)", e);
        }
    }
}
