package dev.acp.cli;

import dev.acp.util.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The root {@code acp} command. */
@Command(
        name = "acp",
        mixinStandardHelpOptions = true,
        versionProvider = AcpCommand.VersionProvider.class,
        description = "ACP, the AI Content Platform: runs pipelines of generative-media steps across providers"
                + " and offline engines.",
        subcommands = {InfoCommand.class, InitCommand.class, ConfigCommand.class, PipelineCommand.class,
            RunsCommand.class, CacheCommand.class, DoctorCommand.class, ModelsCommand.class},
        footer = {"", "Exit codes: 0 ok, 1 steps failed, 2 invalid usage or pipeline, 3 credentials,"
                + " 4 budget refused, 5 interrupted, 70 internal error."})
final class AcpCommand implements Runnable {

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
