package dev.acp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SerialHeapLimitTest {
    private static final long MB = 1L << 20;

    @Test
    void the_old_generation_may_take_the_soft_limit_less_the_young_generation() {
        OldGenerationBudget budget = OldGenerationBudget.of(96 * MB, 32 * MB, 480 * MB);
        assertThat(budget.base()).isEqualTo(64 * MB);
        assertThat(budget.thresholdAfter(10 * MB)).isEqualTo(64 * MB);
    }

    @Test
    void large_live_data_raises_the_threshold_by_a_quarter_of_the_budget_up_to_the_maximum() {
        OldGenerationBudget budget = OldGenerationBudget.of(96 * MB, 32 * MB, 480 * MB);
        // A 4K picture being rendered: collecting at 64 MB again and again would be all the run did.
        assertThat(budget.thresholdAfter(60 * MB)).isEqualTo(76 * MB);
        assertThat(budget.thresholdAfter(300 * MB)).isEqualTo(316 * MB);
        assertThat(budget.thresholdAfter(470 * MB)).isEqualTo(480 * MB);
        assertThat(budget.thresholdAfter(Long.MAX_VALUE)).isEqualTo(480 * MB);
    }

    @Test
    void a_soft_limit_below_the_young_generation_still_leaves_the_old_one_room() {
        assertThat(OldGenerationBudget.of(16 * MB, 32 * MB, 480 * MB).base()).isEqualTo(16 * MB);
        assertThat(OldGenerationBudget.of(16 * MB, 32 * MB, 8 * MB).base()).isEqualTo(8 * MB);
    }

    /**
     * The real collector in a JVM of its own: the same allocations promote a few hundred MB of
     * short-lived data; the serial collector alone lets the old generation grow to its maximum,
     * with the limit it stays near the soft limit.
     */
    @Test
    void the_serial_collectors_old_generation_stays_near_the_soft_limit() throws Exception {
        long unlimited = oldGenerationPeak("none");
        assertThat(unlimited).isGreaterThan(120 * MB);
        // The old generation's share is 32 MB here; the report of a crossing comes a little late.
        assertThat(oldGenerationPeak("limit")).isLessThan(64 * MB).isLessThan(unlimited / 2);
    }

    @Test
    void the_limit_is_not_installed_without_a_soft_limit_or_with_another_collector() throws Exception {
        assertThat(probe(List.of("-XX:+UseSerialGC", "-Xmx64m"), "limit")).contains("not installed");
        assertThat(probe(List.of("-XX:+UseG1GC", "-Xmx64m", "-XX:SoftMaxHeapSize=32m"), "limit"))
                .contains("not installed");
    }

    private static long oldGenerationPeak(String mode) throws Exception {
        String out = probe(List.of("-XX:+UseSerialGC", "-Xmx256m", "-Xmn8m", "-XX:SoftMaxHeapSize=40m"), mode);
        return Long.parseLong(out.strip().split(" ")[0]);
    }

    private static String probe(List<String> jvmOptions, String mode) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"),
                SerialHeapLimitProbe.class.getName(), mode));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }
}
