package dev.acp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code acp completion bash|zsh|fish} and {@code acp help}: the scripts are sourced by the real
 * shells and asked for completions the way a Tab asks; the run ids come from the acp being
 * completed, played here by a stand-in script that prints two ids.
 */
class CompletionCommandTest {
    @TempDir
    Path dir;

    private String script(String shell) {
        CliRunner.Result r = new CliRunner(dir).run("completion", shell);
        assertThat(r.exitCode()).as(r.err()).isZero();
        return r.out();
    }

    /** An executable that answers {@code runs list --ids} like acp with two runs. */
    private Path fakeAcp() throws IOException {
        Path acp = dir.resolve("bin/acp");
        Files.createDirectories(acp.getParent());
        Files.writeString(acp, """
                #!/bin/sh
                if [ "$*" = "runs list --ids" ]; then
                  printf '20261201-101010-aaaaaa\\n20261130-090909-bbbbbb\\nlatest\\n'
                fi
                """);
        Files.setPosixFilePermissions(acp, PosixFilePermissions.fromString("rwxr-xr-x"));
        return acp;
    }

    private static String shell(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    /** What bash offers for {@code words} (the last one being completed), with acp at {@code acp}. */
    private List<String> bashComplete(Path script, Path acp, String... words) throws Exception {
        StringBuilder array = new StringBuilder("COMP_WORDS=('" + acp + "'");
        for (String w : words) {
            array.append(" '").append(w).append('\'');
        }
        array.append(')');
        String line = acp + " " + String.join(" ", words);
        String program = "source '" + script + "' 2>/dev/null; " + array + "; COMP_CWORD=" + words.length
                + "; COMP_LINE='" + line + "'; COMP_POINT=${#COMP_LINE}; _complete_acp 2>/dev/null;"
                + " printf '%s\\n' \"${COMPREPLY[@]}\"";
        return shell(List.of("bash", "-c", program)).lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    @Test
    void bash_completes_commands_options_values_templates_and_the_runs_of_the_acp_being_completed() throws Exception {
        Path script = Files.writeString(dir.resolve("acp.bash"), script("bash"));
        Path acp = fakeAcp();
        assertThat(bashComplete(script, acp, "pip")).containsExactly("pipeline");
        assertThat(bashComplete(script, acp, "pipeline", "")).contains("run", "estimate", "list");
        assertThat(bashComplete(script, acp, "pipeline", "run", "--re")).contains("--resume", "--refresh",
                "--resend-unknown");
        assertThat(bashComplete(script, acp, "pipeline", "run", "--format", "")).containsExactlyInAnyOrder("table",
                "json");
        assertThat(bashComplete(script, acp, "init", "--template", "")).containsExactlyInAnyOrder("basic", "image",
                "video", "tts", "story", "parallel");
        assertThat(bashComplete(script, acp, "pipeline", "run", "--resume", "")).containsExactly(
                "20261201-101010-aaaaaa", "20261130-090909-bbbbbb", "latest");
        assertThat(bashComplete(script, acp, "runs", "show", "2026113")).containsExactly("20261130-090909-bbbbbb");
        assertThat(bashComplete(script, acp, "comp")).containsExactly("completion");
        assertThat(bashComplete(script, acp, "completion", "")).containsExactlyInAnyOrder("bash", "zsh", "fish");
        // The hidden helper the scripts call is not offered to people.
        assertThat(bashComplete(script, acp, "runs", "list", "--")).contains("--format").doesNotContain("--ids");
    }

    @Test
    void zsh_gets_the_bash_script_through_bashcompinit() {
        String zsh = script("zsh");
        assertThat(zsh).startsWith("# acp completion for zsh").contains("bashcompinit").contains(script("bash"));
    }

    @Test
    void the_fish_script_names_every_command_and_option_of_the_tree() {
        String fish = script("fish");
        CliContext ctx = new CliContext(new java.io.PrintWriter(java.io.Writer.nullWriter()),
                new java.io.PrintWriter(java.io.Writer.nullWriter()), dev.acp.env.Environment.of(java.util.Map.of()), dir,
                Terminal.plain(), CliContext.Interrupts.NONE, dev.acp.Acp::create);
        var tree = Cli.tree(ctx);
        java.util.function.Consumer<picocli.CommandLine> check = new java.util.function.Consumer<>() {
            @Override
            public void accept(picocli.CommandLine cl) {
                String path = cl.getCommandSpec().qualifiedName();
                for (var o : cl.getCommandSpec().options()) {
                    String longName = java.util.Arrays.stream(o.names()).filter(n -> n.startsWith("--")).findFirst()
                            .orElseThrow();
                    String expected = "complete -c acp -n '__acp_is " + path + "'";
                    if (o.hidden()) {
                        assertThat(fish).doesNotContain(expected + " -l " + longName.substring(2));
                    } else {
                        assertThat(fish).contains(expected).containsPattern(java.util.regex.Pattern.quote(expected)
                                + "( -s \\w)? -l " + java.util.regex.Pattern.quote(longName.substring(2)) + "\\b");
                    }
                }
                cl.getSubcommands().values().forEach(this);
            }
        };
        check.accept(tree);
        assertThat(fish).contains("complete -c acp -n '__acp_is acp pipeline run' -l resume -x -a '(__acp_run_ids)'")
                .contains("-l template -x -a 'basic image video tts story parallel'")
                .contains("complete -c acp -n '__acp_is acp config validate' -F");
    }

    @Test
    void fish_completes_with_the_real_fish_when_it_is_installed() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/fish")), "fish is not installed");
        Path script = Files.writeString(dir.resolve("acp.fish"), script("fish"));
        Path acp = fakeAcp();
        String out = shell(List.of("fish", "-c", "source '" + script + "'; complete -C '" + acp
                + " pipeline run --resume '; echo ---; complete -C '" + acp + " init --template s'; echo ---;"
                + " complete -C '" + acp + " help pipe'"));
        String[] parts = out.split("---\n");
        assertThat(parts[0].lines().map(l -> l.split("\t")[0])).containsExactlyInAnyOrder("20261201-101010-aaaaaa",
                "20261130-090909-bbbbbb", "latest");
        assertThat(parts[1]).startsWith("story");
        assertThat(parts[2]).startsWith("pipeline");
    }

    @Test
    void runs_list_ids_prints_the_run_ids_newest_first_then_latest_and_nothing_without_runs() throws IOException {
        CliRunner.Result empty = new CliRunner(dir).run("runs", "list", "--ids");
        assertThat(empty.exitCode()).isZero();
        assertThat(empty.out()).isEmpty();
        Files.writeString(dir.resolve("p.yaml"), """
                pipeline_name: ids
                output_directory: out
                steps:
                  - { step_type: text_to_image, id: a, provider: scripted, config: { prompt: x } }
                """);
        CliRunner.Result first = new CliRunner(dir).run("pipeline", "run", "-c", "p.yaml");
        assertThat(first.exitCode()).isZero();
        CliRunner.Result second = new CliRunner(dir).run("pipeline", "run", "-c", "p.yaml", "--no-cache");
        assertThat(second.exitCode()).isZero();
        List<String> ids = new CliRunner(dir).run("runs", "list", "--ids").out().lines().toList();
        assertThat(ids).hasSize(3).last().isEqualTo("latest");
        // Named by the runs themselves: two runs in the same second differ only in their random suffix.
        assertThat(ids.subList(0, 2)).containsExactly(runId(second.err()), runId(first.err()));
        assertThat(ids.get(0)).matches("\\d{8}-\\d{6}-\\w+");
    }

    @Test
    void an_unknown_shell_is_one_line_and_exit_2() {
        CliRunner.Result r = new CliRunner(dir).run("completion", "tcsh");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("expected one of [bash, zsh, fish]").doesNotContain("Exception");
    }

    @Test
    void help_shows_nested_commands_and_suggests_a_mistyped_one() {
        CliRunner.Result nested = new CliRunner(dir).run("help", "pipeline", "run");
        assertThat(nested.exitCode()).isZero();
        assertThat(nested.out()).startsWith("Usage: acp pipeline run").contains("--resume");
        CliRunner.Result root = new CliRunner(dir).run("help");
        assertThat(root.out()).startsWith("Usage: acp ").contains("completion").contains("pipeline");
        CliRunner.Result typo = new CliRunner(dir).run("help", "pipeline", "rn");
        assertThat(typo.exitCode()).isEqualTo(2);
        assertThat(typo.err()).contains("Unknown command: 'rn'; did you mean 'run'?")
                .contains("Run 'acp pipeline --help' for usage.");
        assertThat(new CliRunner(dir).run("help", "pipline").err())
                .contains("Unknown command: 'pipline'; did you mean 'pipeline'?");
    }

    private static String runId(String progress) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("run (\\d{8}-\\d{6}-\\w+)").matcher(progress);
        assertThat(m.find()).as(progress).isTrue();
        return m.group(1);
    }
}
