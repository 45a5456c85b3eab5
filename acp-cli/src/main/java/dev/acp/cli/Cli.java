package dev.acp.cli;

import dev.acp.Acp;
import dev.acp.env.Environment;
import dev.acp.env.Secrets;
import dev.acp.error.AcpException;
import dev.acp.error.Defects;
import dev.acp.error.PipelineInvalidException;
import dev.acp.pipeline.Problem;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * Builds the picocli command line with the injected {@link CliContext}, and maps every failure
 * to one line on stderr and one exit code ({@link ExitCode}). Stack traces only with
 * {@code --stacktrace}.
 */
public final class Cli {
    private final CliContext context;

    public Cli(CliContext context) {
        // Everything the commands print goes through a writer that masks secret values.
        Secrets secrets = context.secrets();
        this.context = secrets.isEmpty() ? context : new CliContext(
                new PrintWriter(new RedactingWriter(context.out(), secrets), true),
                new PrintWriter(new RedactingWriter(context.err(), secrets), true),
                context.environment(), context.workingDirectory(), context.terminal(), context.interrupts(),
                context.acpFactory(), context.prompt(), context.input());
    }

    /** The CLI of this process: real streams, environment, terminal and Ctrl-C. */
    public static Cli system() {
        Environment env = Environment.system();
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        Terminal terminal = Terminal.detect(env);
        return new Cli(new CliContext(out, err, env, Path.of("").toAbsolutePath(), terminal,
                SignalInterrupts.install(), Acp::create, CliContext.Prompt.console(terminal, err),
                CliContext.Input.of(new java.io.BufferedReader(new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8)),
                        Terminal.stdinIsTerminal())));
    }

    public int execute(String... args) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            // The same lines picocli prints, without building the command line: picocli's
            // classes are Java 5 class files that the class-data archive cannot hold, so reading
            // and verifying them was most of `acp --version`.
            for (String line : new AcpCommand.VersionProvider().getVersion()) {
                context.out().println(line);
            }
            context.out().flush();
            return ExitCode.OK.code();
        }
        CommandLine cl = commandLine(args);
        int code;
        try {
            code = cl.execute(args);
        } catch (OutOfMemoryError | StackOverflowError e) {
            // Picocli hands only exceptions to its handler; these two errors are ones a user can
            // meet (a huge picture, a pathological input) and get a line, not the JVM's trace.
            boolean stacktrace = java.util.Arrays.asList(args).contains("--stacktrace");
            context.err().println(defect(e, stacktrace));
            if (stacktrace) {
                e.printStackTrace(context.err());
            }
            code = ExitCode.INTERNAL.code();
        }
        context.out().flush();
        context.err().flush();
        return code;
    }

    /** The whole command tree. */
    CommandLine commandLine() {
        return commandLine("--help");
    }

    /** The whole command tree with {@code context}: what completion scripts are made from. */
    static CommandLine tree(CliContext context) {
        return new Cli(context).commandLine();
    }

    /**
     * The command tree {@code args} need: only the subcommand they name, none for {@code acp
     * --version}, all of them for help or a word that names none (to list them, or suggest one).
     * Picocli builds every command it is given by reflection, which is most of a short command's
     * start-up.
     */
    CommandLine commandLine(String... args) {
        CommandLine cl = new CommandLine(AcpCommand.class, new ContextFactory(context));
        String word = java.util.Arrays.stream(args).filter(a -> !a.startsWith("-")).findFirst().orElse(null);
        boolean help = java.util.Arrays.stream(args).anyMatch(a -> a.equals("-h") || a.equals("--help"));
        // 'acp help pipeline run' looks the named commands up in the tree, so help needs all of it.
        if (word != null && AcpCommand.SUBCOMMANDS.containsKey(word) && !word.equals("help")) {
            cl.addSubcommand(word, AcpCommand.SUBCOMMANDS.get(word));
        } else if (word != null || help) {
            AcpCommand.SUBCOMMANDS.forEach(cl::addSubcommand);
        }
        cl.setOut(context.out());
        cl.setErr(context.err());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setUsageHelpAutoWidth(true);
        cl.setExecutionExceptionHandler(this::handleExecutionException);
        cl.setParameterExceptionHandler(this::handleParameterException);
        return cl;
    }

    private int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = context.err();
        boolean stacktrace = cl.getCommandSpec().root().userObject() instanceof AcpCommand root && root.stacktrace;
        if (e instanceof PipelineInvalidException invalid) {
            printProblems(err, invalid.problems());
        } else if (e instanceof AcpException acp) {
            err.println("acp: error: " + acp.getMessage());
        } else {
            err.println(defect(e, stacktrace));
        }
        if (stacktrace) {
            e.printStackTrace(err);
        }
        err.flush();
        ExitCode code = e instanceof AcpException acp ? ExitCode.of(acp) : ExitCode.INTERNAL;
        if (JsonErrors.requested(parsed.originalArgs())) {
            switch (e) {
                case PipelineInvalidException invalid -> JsonErrors.print(context.out(), summary(invalid.problems()),
                        code, JsonErrors.kind(invalid), invalid.problems());
                case AcpException acp -> JsonErrors.print(context.out(), acp.getMessage(), code, JsonErrors.kind(acp),
                        null);
                default -> JsonErrors.print(context.out(), Defects.describe(e), code, JsonErrors.Kind.internal, null);
            }
        }
        return code.code();
    }

    /** One line for a defect: what happened in words, and how to learn more. */
    private static String defect(Throwable e, boolean stacktrace) {
        boolean memory = e instanceof OutOfMemoryError;
        return "acp: error: " + Defects.describe(e) + (memory || stacktrace ? ""
                : " (run again with --stacktrace for details, and please report it)");
    }

    private static String summary(java.util.List<Problem> problems) {
        long errors = problems.stream().filter(Problem::isError).count();
        return errors + (errors == 1 ? " error" : " errors") + " in the pipeline; nothing was run.";
    }

    private int handleParameterException(CommandLine.ParameterException e, String[] args) {
        PrintWriter err = context.err();
        if (JsonErrors.requested(java.util.List.of(args))) {
            // The line for people goes to stderr as usual; scripts read the object on stdout.
            java.io.StringWriter line = new java.io.StringWriter();
            int code = describeParameterException(e, new PrintWriter(line));
            err.print(line);
            err.flush();
            JsonErrors.print(context.out(), line.toString().lines().findFirst().orElse("")
                    .replaceFirst("^acp: error: ", ""), ExitCode.USAGE, JsonErrors.Kind.usage, null);
            return code;
        }
        return describeParameterException(e, err);
    }

    private int describeParameterException(CommandLine.ParameterException e, PrintWriter err) {
        CommandLine cmd = e.getCommandLine();
        // An unknown option explains more than the "missing option" it causes, so it is named first.
        java.util.List<String> unmatched = cmd.getUnmatchedArguments();
        String first = unmatched.isEmpty() ? null : unmatched.get(0);
        if (first != null && first.startsWith("-")) {
            String name = first.contains("=") ? first.substring(0, first.indexOf('=')) : first;
            java.util.List<String> options = new java.util.ArrayList<>();
            cmd.getCommandSpec().options().forEach(o -> options.addAll(java.util.List.of(o.names())));
            err.println("acp: error: Unknown option: '" + name + "'" + dev.acp.util.Suggestions.nearest(name, options)
                    .map(s -> "; did you mean '" + s + "'?").orElse(""));
        } else if (first != null && !cmd.getSubcommands().isEmpty()
                && cmd.getCommandSpec().positionalParameters().isEmpty()) {
            // Where a subcommand's name goes: a mistyped one.
            err.println("acp: error: Unknown command: '" + first + "'" + dev.acp.util.Suggestions.nearest(first,
                    cmd.getSubcommands().keySet()).map(s -> "; did you mean '" + s + "'?").orElse(""));
        } else {
            err.println("acp: error: " + e.getMessage());
        }
        String name = cmd.getCommandSpec().qualifiedName();
        err.println("Run '" + name + " --help' for usage.");
        err.flush();
        return ExitCode.USAGE.code();
    }

    /** Prints problems one per line, errors first, then a count. */
    static void printProblems(PrintWriter err, java.util.List<Problem> problems) {
        long errors = problems.stream().filter(Problem::isError).count();
        problems.stream().filter(Problem::isError).forEach(p -> err.println(p.render()));
        problems.stream().filter(p -> !p.isError()).forEach(p -> err.println(p.render()));
        if (errors > 0) {
            err.println(errors + (errors == 1 ? " error" : " errors") + " in the pipeline; nothing was run.");
        }
    }

    /** Creates commands with the context as their constructor argument when they take one. */
    private record ContextFactory(CliContext context) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            for (Constructor<?> c : cls.getDeclaredConstructors()) {
                if (c.getParameterCount() == 1 && c.getParameterTypes()[0] == CliContext.class) {
                    c.setAccessible(true);
                    return cls.cast(c.newInstance(context));
                }
            }
            return CommandLine.defaultFactory().create(cls);
        }
    }

    /** Builds ACP the way the commands do; visible for tests that inject providers. */
    static Acp acp(CliContext context) {
        return context.acp();
    }
}
