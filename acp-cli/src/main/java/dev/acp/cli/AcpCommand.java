package dev.acp.cli;

import dev.acp.util.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The root {@code acp} command; its subcommands are added by {@link Cli} (only those a command line needs). */
@Command(
        name = "acp",
        mixinStandardHelpOptions = true,
        versionProvider = AcpCommand.VersionProvider.class,
        description = "ACP, the AI Content Platform: runs pipelines of generative-media steps across providers"
                + " and offline engines.",
        footer = {"", "Exit codes: 0 ok, 1 steps failed, 2 invalid usage or pipeline, 3 credentials,"
                + " 4 budget refused, 5 interrupted, 70 internal error."})
final class AcpCommand implements Runnable {

    /** The subcommands, by name, in the order help lists them. */
    static final java.util.Map<String, Class<?>> SUBCOMMANDS = subcommands();

    private static java.util.Map<String, Class<?>> subcommands() {
        java.util.Map<String, Class<?>> m = new java.util.LinkedHashMap<>();
        m.put("info", InfoCommand.class);
        m.put("init", InitCommand.class);
        m.put("config", ConfigCommand.class);
        m.put("pipeline", PipelineCommand.class);
        m.put("batch", BatchCommand.class);
        m.put("content", ContentCommand.class);
        m.put("runs", RunsCommand.class);
        m.put("serve", ServeCommand.class);
        m.put("worker", WorkerCommand.class);
        m.put("temporal", TemporalCommand.class);
        m.put("cache", CacheCommand.class);
        m.put("doctor", DoctorCommand.class);
        m.put("models", ModelsCommand.class);
        m.put("schema", SchemaCommand.class);
        m.put("completion", CompletionCommand.class);
        m.put("help", HelpCommand.class);
        return java.util.Collections.unmodifiableMap(m);
    }

    @Option(names = "--stacktrace", scope = ScopeType.INHERIT, description = "Print stack traces of errors.")
    boolean stacktrace;

    private final CliContext context;

    AcpCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public void run() {
        context.out().println("acp " + Version.current() + " - try 'acp --help', 'acp info' or"
                + " 'acp pipeline run --config FILE --offline'.");
    }

    /** {@code acp --version}. */
    static final class VersionProvider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"acp " + Version.current(),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + "), "
                        + System.getProperty("os.name") + " " + System.getProperty("os.arch")};
        }
    }
}
