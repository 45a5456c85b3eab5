package dev.acp.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the built {@code acp.jar} as a separate process, the way users run it. */
final class JarRunner {
    record Result(int exitCode, String out, String err) {}

    static final Path JAR = Path.of(System.getProperty("acp.jar", "target/acp.jar")).toAbsolutePath();
    static final Path REPO = Path.of(System.getProperty("acp.repo", "..")).toAbsolutePath().normalize();
    /** Where the bundled ffmpeg is extracted once per machine for all tests. */
    static final Path TOOLS_HOME = Path.of(System.getProperty("java.io.tmpdir"), "acp-test-home");

    private final Path workDir;

    JarRunner(Path workDir) {
        this.workDir = workDir;
    }

    private List<String> extraClasspath = List.of();

    /** Adds class path entries (the test kit's providers) and runs Main from the class path. */
    JarRunner withClasspath(List<String> entries) {
        extraClasspath = List.copyOf(entries);
        return this;
    }

    ProcessBuilder builder(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // These processes live for a second or two and the crash tests start a hundred of them: the
        // optimising compiler's and G1's start-up threads were most of their CPU on two cores, and
        // what is tested (files, journal, exit codes) does not depend on the compiler or collector.
        cmd.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData"));
        if (extraClasspath.isEmpty()) {
            cmd.add("-jar");
            cmd.add(JAR.toString());
        } else {
            cmd.add("-cp");
            cmd.add(JAR + java.io.File.pathSeparator + String.join(java.io.File.pathSeparator, extraClasspath));
            cmd.add("dev.acp.cli.Main");
        }
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
        // Each test has its own runs and cache; the ffmpeg extracted for all tests is shared.
        pb.environment().put("ACP_HOME", workDir.resolve(".acp-home").toString());
        pb.environment().put("NO_COLOR", "1");
        // Only the bundled tools: no system ffmpeg or espeak-ng may change what is tested.
        pb.environment().put("PATH", "/usr/bin:/bin");
        pb.environment().put("ACP_FFMPEG", ffmpeg().toString());
        return pb;
    }

    /** Runs the bundled ffmpeg quietly with these arguments (making test media) and requires success. */
    static void runFfmpeg(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ffmpeg().toString(), "-hide_banner", "-loglevel", "error",
                "-y"));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new AssertionError("ffmpeg failed: " + output);
        }
    }

    static Path ffmpeg() {
        try {
            return new dev.acp.local.media.FfmpegLocator(dev.acp.env.Environment.of(java.util.Map.of("PATH", "/usr/bin:/bin")),
                    TOOLS_HOME).locate().path();
        } catch (dev.acp.error.ProviderException e) {
            throw new IllegalStateException(e);
        }
    }

    Result run(String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile(workDir, "out", ".txt");
        Path err = Files.createTempFile(workDir, "err", ".txt");
        Process p = builder(args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("acp did not finish within 5 minutes: " + List.of(args));
        }
        Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return r;
    }
}
