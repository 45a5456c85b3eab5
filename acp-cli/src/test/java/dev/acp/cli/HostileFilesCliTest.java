package dev.acp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18's file findings through the command, offline: a link in the output folder, an output
 * folder at the file system's root, and links the user made above the output folder or
 * ACP_HOME, which keep working.
 */
class HostileFilesCliTest {
    @TempDir
    Path dir;
    @TempDir
    Path outside;

    private static final String PIPELINE = """
            pipeline_name: hostile
            output_directory: %s
            steps:
              - id: a
                step_type: text_to_image
                config: { prompt: "a lighthouse" }
                output_filename: %s
            """;

    private Path write(Path folder, String name, String text) throws IOException {
        Path p = folder.resolve(name);
        Files.createDirectories(p.getParent());
        return Files.writeString(p, text);
    }

    private static Set<String> names(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return new TreeSet<>(s.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void a_link_in_the_output_folder_or_a_linked_parent_is_refused_and_nothing_is_written_outside() throws IOException {
        Files.createDirectories(dir.resolve("out/real"));
        Files.createSymbolicLink(dir.resolve("out/link"), outside);
        Files.createDirectories(outside.resolve("sub"));
        for (String name : new String[] {"link/x.png", "link/sub/x.png"}) {
            write(dir, "p.yaml", PIPELINE.formatted("out", name));
            CliRunner.Result r = new CliRunner(dir).run("pipeline", "run", "-c", "p.yaml", "--offline");
            assertThat(r.exitCode()).as(name).isEqualTo(2);
            assertThat(r.err()).as(name).contains("p.yaml:7:22: error: step 'a': the folder link in the output folder"
                    + " is a symbolic link (to " + outside + "); outputs are never written through a link");
            assertThat(names(outside)).as(name).containsExactly("sub");
            assertThat(names(outside.resolve("sub"))).as(name).isEmpty();
        }
    }

    @Test
    void output_directory_slash_or_the_home_folder_is_refused_and_nothing_is_written_there() throws IOException {
        // Checked with validate: were the check lost, a run as root would write /x.png and /run.json.
        write(dir, "root.yaml", PIPELINE.formatted("/", "x.png"));
        CliRunner.Result r = new CliRunner(dir).run("config", "validate", "root.yaml", "--offline");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("root.yaml:2:19: error: output_directory is the root of the file system (/)");
        // The home folder (a scratch one here) through a real run.
        Path home = Files.createDirectories(dir.resolve("myhome"));
        write(dir, "home.yaml", PIPELINE.formatted("\"${HOME}\"", "x.png"));
        r = new CliRunner(dir).env("HOME", home.toString()).run("pipeline", "run", "-c", "home.yaml", "--offline");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("home.yaml:2:19: error: output_directory is your home folder (" + home + ")");
        assertThat(names(home)).isEmpty();
    }

    @Test
    void links_the_user_made_above_the_output_folder_and_to_acp_home_keep_working() throws IOException {
        Path project = Files.createSymbolicLink(dir.resolve("project"), Files.createDirectories(outside.resolve("p")));
        Path home = Files.createSymbolicLink(dir.resolve("home"), Files.createDirectories(outside.resolve("h")));
        write(project, "p.yaml", PIPELINE.formatted("out", "pics/x.png"));
        CliRunner.Result r = new CliRunner(project).env("ACP_HOME", home.toString())
                .run("pipeline", "run", "-c", "p.yaml", "--offline");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(outside.resolve("p/out/pics/x.png")).isRegularFile();
        assertThat(outside.resolve("p/out/run.json")).isRegularFile();
        assertThat(outside.resolve("h/runs")).isDirectory();
        assertThat(outside.resolve("h/cache")).isDirectory();
        try (Stream<Path> s = Files.walk(outside)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".partial"));
        }
    }
}
