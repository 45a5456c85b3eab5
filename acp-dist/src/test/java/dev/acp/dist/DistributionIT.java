package dev.acp.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution as a user without a JDK gets it: the archive unpacked into an empty folder and
 * run through {@code bin/acp} (also through a symlink) with no {@code java} on {@code PATH} and
 * no {@code JAVA_HOME}, so only the runtime inside the archive can run it.
 */
class DistributionIT {
    static final Path ARCHIVE = Path.of(System.getProperty("acp.dist.tarball", "target/missing.tar.gz"));
    static final Path REPO = Path.of(System.getProperty("acp.repo", "..")).toAbsolutePath().normalize();
    /** What bin/acp itself runs (the JVM needs nothing from PATH; the bundled ffmpeg is used). */
    static final List<String> TOOLS = List.of("sh", "ls", "sed", "dirname");

    @TempDir
    static Path root;

    static Path app;
    static Path bin;

    @BeforeAll
    static void unpack() throws Exception {
        assertThat(ARCHIVE).as("the distribution archive (built by -Pdist package)").isRegularFile();
        Path into = Files.createDirectory(root.resolve("unpacked"));
        Process tar = new ProcessBuilder("tar", "-xzf", ARCHIVE.toString(), "-C", into.toString())
                .redirectErrorStream(true).start();
        assertThat(tar.waitFor()).as(new String(tar.getInputStream().readAllBytes())).isZero();
        try (Stream<Path> top = Files.list(into)) {
            List<Path> entries = top.toList();
            assertThat(entries).as("one top-level folder").hasSize(1);
            app = entries.get(0);
        }
        assertThat(app.getFileName().toString()).startsWith("acp-");
        // A PATH holding only the few commands the launcher script calls: no java anywhere on it.
        bin = Files.createDirectory(root.resolve("path"));
        for (String tool : TOOLS) {
            Files.createSymbolicLink(bin.resolve(tool), which(tool));
        }
        assertThat(bin.resolve("java")).doesNotExist();
    }

    private static Path which(String tool) {
        return Stream.of("/usr/bin", "/bin").map(d -> Path.of(d, tool)).filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new IllegalStateException("no " + tool + " in /usr/bin or /bin"));
    }

    record Result(int exitCode, String out, String err) {}

    private static Result run(Path launcher, Path workDir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(launcher.toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
        Map<String, String> env = pb.environment();
        // Nothing of the JDK running this test may leak in: a fresh environment, as on a bare machine.
        env.clear();
        env.put("PATH", bin.toString());
        env.put("HOME", workDir.resolve("home").toString());
        env.put("ACP_HOME", workDir.resolve("acp-home").toString());
        env.put("NO_COLOR", "1");
        Path out = Files.createTempFile(root, "out", ".txt");
        Path err = Files.createTempFile(root, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("bin/acp did not finish within 10 minutes: " + List.of(args));
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void the_version_comes_from_the_bundled_runtime() throws Exception {
        Result r = run(app.resolve("bin/acp"), Files.createDirectories(root.resolve("version")), "--version");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("acp ");
        assertThat(r.err()).isEmpty();
        assertThat(app.resolve("runtime/bin/java")).isExecutable();
        // An AOT cache on Java 25 and later, a dynamic class-data archive before.
        assertThat(Runtime.version().feature() >= 25 ? app.resolve("lib/acp.aot") : app.resolve("lib/acp.jsa"))
                .isNotEmptyFile();
    }

    @Test
    void a_symlink_to_the_launcher_finds_the_installation() throws Exception {
        Path elsewhere = Files.createDirectories(root.resolve("prefix/bin"));
        Path link = Files.createSymbolicLink(elsewhere.resolve("acp"), app.resolve("bin/acp"));
        Result r = run(link, Files.createDirectories(root.resolve("linked")), "--version");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("acp ");
    }

    @Test
    void the_story_example_runs_offline_on_the_bundled_runtime_and_ffmpeg() throws Exception {
        Path work = Files.createDirectories(root.resolve("story"));
        Files.copy(REPO.resolve("examples/story-to-video.yaml"), work.resolve("story-to-video.yaml"));
        Files.createDirectories(work.resolve("stories"));
        Files.copy(REPO.resolve("examples/stories/lighthouse-keeper.txt"), work.resolve("stories/lighthouse-keeper.txt"));

        Result r = run(app.resolve("bin/acp"), work, "pipeline", "run", "--config", "story-to-video.yaml", "--offline");

        assertThat(r.exitCode()).as(r.err()).isZero();
        Path out = work.resolve("story_output");
        JsonNode report = new ObjectMapper().readTree(out.resolve("run.json").toFile());
        assertThat(report.get("success").asBoolean()).isTrue();
        assertThat(out.resolve("story.mp4")).isNotEmptyFile();
        assertThat(out.resolve("story.srt")).isNotEmptyFile();
        // The ffmpeg that made the film is the one bundled in the jar, extracted under ACP_HOME.
        assertThat(work.resolve("acp-home/tools")).isDirectory();
    }
}
