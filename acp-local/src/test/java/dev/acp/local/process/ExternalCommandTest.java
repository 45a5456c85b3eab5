package dev.acp.local.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.acp.env.Environment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

@EnabledOnOs({OS.LINUX, OS.MAC})
class ExternalCommandTest {

    @Test
    void should_hand_stdout_lines_to_the_listener_and_keep_stderr() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        CommandResult result = ExternalCommand.run(
                List.of("sh", "-c", "echo one; printf 'two\\rthree\\n'; echo oops >&2; exit 3"), lines::add);

        assertThat(lines).containsExactly("one", "two", "three");
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.succeeded()).isFalse();
        assertThat(result.stderr()).isEqualTo("oops");
    }

    @Test
    void should_not_deadlock_when_a_program_floods_both_streams() throws Exception {
        // 2 MB on each stream: far beyond any pipe buffer, so both must be drained concurrently.
        CommandResult result = ExternalCommand.run(List.of("sh", "-c",
                "head -c 2000000 /dev/zero | tr '\\0' 'a' | fold -w 100; head -c 2000000 /dev/zero | tr '\\0' 'b' | fold -w 100 >&2"),
                line -> {});

        assertThat(result.succeeded()).isTrue();
        assertThat(result.stderr().length()).isLessThanOrEqualTo(ExternalCommand.MAX_STDERR_CHARS);
        assertThat(result.stderr()).endsWith("b".repeat(100));
    }

    @Test
    void should_keep_draining_when_the_listener_throws() throws Exception {
        CommandResult result = ExternalCommand.run(List.of("sh", "-c", "seq 1 20000; echo done >&2"), line -> {
            throw new IllegalStateException("listener bug");
        });

        assertThat(result.succeeded()).isTrue();
        assertThat(result.stderr()).isEqualTo("done");
    }

    @Test
    void should_kill_the_program_and_its_children_when_interrupted(@TempDir Path dir) throws Exception {
        Path pids = dir.resolve("pids");
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread runner = Thread.ofVirtual().start(() -> {
            try {
                ExternalCommand.run(List.of("sh", "-c", "sleep 300 & echo $! > " + pids + "; echo $$ >> " + pids + "; wait"),
                        line -> {});
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        waitForLines(pids, 2);
        runner.interrupt();
        runner.join(10_000);

        assertThat(runner.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        for (String pid : Files.readAllLines(pids)) {
            var handle = ProcessHandle.of(Long.parseLong(pid.strip()));
            if (handle.isPresent()) {
                handle.get().onExit().get(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void should_report_a_program_that_cannot_start() {
        assertThatThrownBy(() -> ExternalCommand.run(List.of("/nonexistent/acp-test-program"), line -> {}))
                .isInstanceOf(IOException.class);
    }

    @Test
    void should_find_executables_only_on_the_injected_path(@TempDir Path dir) throws Exception {
        Path tool = dir.resolve("acp-fake-tool");
        Files.writeString(tool, "#!/bin/sh\n");
        tool.toFile().setExecutable(true);
        Path notExecutable = dir.resolve("acp-plain-file");
        Files.writeString(notExecutable, "");

        Environment env = Environment.of(Map.of("PATH", "/nonexistent:" + dir));

        assertThat(Executables.findOnPath(env, "acp-fake-tool")).contains(tool.toAbsolutePath());
        assertThat(Executables.findOnPath(env, "acp-plain-file")).isEmpty();
        assertThat(Executables.findOnPath(Environment.of(Map.of()), "sh")).isEmpty();
    }

    private static void waitForLines(Path file, int lines) throws Exception {
        for (int i = 0; i < 500; i++) {
            if (Files.exists(file) && Files.readAllLines(file).size() >= lines) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the test program did not start");
    }
}
