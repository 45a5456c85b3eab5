package dev.acp.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JVM options {@code bin/acp} chooses, seen through a stand-in {@code runtime/bin/java} that
 * prints its arguments: {@code acp serve} gets a bounded heap unless ACP_JAVA_OPTS sets one.
 */
class LauncherScriptTest {
    @TempDir
    Path app;

    private String launch(String javaOpts, String... args) throws IOException, InterruptedException {
        return launchOn("21.0.5", javaOpts, args);
    }

    /** Runs bin/acp with a stand-in runtime whose release file says {@code version}. */
    private String launchOn(String version, String javaOpts, String... args) throws IOException, InterruptedException {
        Files.createDirectories(app.resolve("bin"));
        Files.createDirectories(app.resolve("lib"));
        Files.createDirectories(app.resolve("runtime/bin"));
        Files.copy(Path.of("src/main/dist/bin/acp"), app.resolve("bin/acp"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path java = app.resolve("runtime/bin/java");
        Files.writeString(java, "#!/bin/sh\necho \"$@\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(app.resolve("lib/acp.jar"), "");
        Files.writeString(app.resolve("runtime/release"), "IMPLEMENTOR=\"Eclipse Adoptium\"\nJAVA_VERSION=\""
                + version + "\"\n");
        List<String> command = new ArrayList<>(List.of("sh", app.resolve("bin/acp").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("ACP_JAVA_OPTS");
        if (!javaOpts.isEmpty()) {
            pb.environment().put("ACP_JAVA_OPTS", javaOpts);
        }
        Process p = pb.start();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }

    @Test
    void serve_runs_with_a_512_megabyte_heap_that_acp_java_opts_can_replace() throws Exception {
        assertThat(launch("", "serve", "--port", "9")).contains("-Xmx512m").endsWith("serve --port 9");
        assertThat(launch("", "--stacktrace", "serve")).contains("-Xmx512m");
        assertThat(launch("-Xmx2g", "serve")).doesNotContain("-Xmx512m").contains("-Xmx2g");
        assertThat(launch("-XX:MaxRAMPercentage=80", "serve")).doesNotContain("-Xmx512m");
        // Other commands keep the default heap, also when a later argument says serve.
        assertThat(launch("", "runs", "list")).doesNotContain("-Xmx");
        assertThat(launch("", "pipeline", "run", "--config", "serve")).contains("-Xmx512m").containsOnlyOnce("-Xmx");
    }

    @Test
    void runs_and_batches_get_a_heap_room_for_local_pictures_and_the_serial_collector() throws Exception {
        // 512 MB: one local 3840x2160 picture did not fit in 96 MB (the launcher's comment).
        assertThat(launch("", "pipeline", "run", "--config", "absent.yaml")).contains("-Xmx512m", "-XX:+UseSerialGC");
        assertThat(launch("", "pipeline", "run", "--resume", "latest")).contains("-Xmx512m");
        assertThat(launch("", "batch", "run", "--config", "absent.yaml")).contains("-Xmx768m");
        assertThat(launch("-Xmx2g", "pipeline", "run", "--config", "absent.yaml")).doesNotContain("-Xmx512m")
                .contains("-Xmx2g");
        assertThat(launch("-XX:+UseG1GC", "pipeline", "run", "--config", "absent.yaml"))
                .doesNotContain("UseSerialGC");
    }

    @Test
    void runs_keep_a_soft_heap_limit_and_a_small_young_generation_under_the_high_maximum() throws Exception {
        // 2,000 fal jobs: 350-640 MB resident with the maximum alone (bench/RESULTS.md).
        assertThat(launch("", "pipeline", "run", "--config", "absent.yaml"))
                .contains("-Xmx512m", "-XX:SoftMaxHeapSize=96m", "-Xmn32m", "-XX:+UseSerialGC", "-Xms64m",
                        "-XX:MarkSweepDeadRatio=0");
        assertThat(launch("", "batch", "run", "--config", "absent.yaml")).contains("-XX:SoftMaxHeapSize=96m");
        // A heap of the user's own: no soft limit above it, no young generation that may not fit in it.
        assertThat(launch("-Xmx64m", "pipeline", "run", "--config", "absent.yaml"))
                .doesNotContain("SoftMaxHeapSize", "-Xmn", "-Xms", "MarkSweepDeadRatio");
        // Another collector sizes its young generation itself; ZGC keeps the soft limit on its own.
        assertThat(launch("-XX:+UseZGC", "pipeline", "run", "--config", "absent.yaml"))
                .contains("-XX:SoftMaxHeapSize=96m").doesNotContain("-Xmn", "UseSerialGC");
        assertThat(launch("", "runs", "list")).doesNotContain("SoftMaxHeapSize", "-Xmn");
    }

    @Test
    void the_native_heap_trim_only_on_a_jdk_25_runtime_and_never_compact_object_headers() throws Exception {
        // JDK 21 does not know the trim and would not start with it.
        assertThat(launchOn("21.0.5", "", "pipeline", "run", "--config", "absent.yaml"))
                .doesNotContain("TrimNativeHeapInterval");
        // Compact object headers would make the JVM drop the class-data archive made without them.
        assertThat(launchOn("25.0.1", "", "pipeline", "run", "--config", "absent.yaml"))
                .contains("-XX:TrimNativeHeapInterval=1000").doesNotContain("UseCompactObjectHeaders");
        assertThat(launchOn("25.0.1", "", "--version")).doesNotContain("TrimNativeHeapInterval");
        // ACP_JAVA_OPTS come last, so they can turn it off.
        assertThat(launchOn("25.0.1", "-XX:TrimNativeHeapInterval=0", "pipeline", "run", "-c", "a.yaml"))
                .endsWith("-XX:TrimNativeHeapInterval=0 -jar " + app.resolve("lib/acp.jar") + " pipeline run -c a.yaml");
    }
}
