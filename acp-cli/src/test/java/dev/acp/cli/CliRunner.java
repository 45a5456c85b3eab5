package dev.acp.cli;

import dev.acp.Acp;
import dev.acp.env.Environment;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/** Runs the CLI in-process with captured output, a scratch ACP_HOME and an injected environment. */
final class CliRunner {
    record Result(int exitCode, String out, String err) {}

    private final Path workDir;
    private final Map<String, String> env = new HashMap<>();
    private CliContext.Interrupts interrupts = CliContext.Interrupts.NONE;
    private Function<Environment, Acp> acpFactory = Acp::create;
    private CliContext.Input input = CliContext.Input.NONE;
    private CliContext.Prompt prompt = CliContext.Prompt.NONE;

    CliRunner(Path workDir) {
        this.workDir = workDir;
        env.put("ACP_HOME", workDir.resolve(".acp-home").toString());
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    }

    CliRunner env(String name, String value) {
        env.put(name, value);
        return this;
    }

    CliRunner interrupts(CliContext.Interrupts value) {
        interrupts = value;
        return this;
    }

    CliRunner acpFactory(Function<Environment, Acp> value) {
        acpFactory = value;
        return this;
    }

    /** Plays a person typing {@code lines} at a terminal. */
    CliRunner typing(String lines) {
        input = CliContext.Input.of(new java.io.BufferedReader(new java.io.StringReader(lines)), true);
        return this;
    }

    /** Answers the run's confirmation question as a terminal user would. */
    CliRunner prompt(CliContext.Prompt value) {
        prompt = value;
        return this;
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CliContext ctx = new CliContext(new PrintWriter(out, true), new PrintWriter(err, true), Environment.of(env),
                workDir, Terminal.plain(), interrupts, acpFactory, prompt, input);
        int code = new Cli(ctx).execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}
