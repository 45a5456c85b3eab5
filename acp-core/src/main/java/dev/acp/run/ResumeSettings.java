package dev.acp.run;

import dev.acp.error.UsageException;
import java.nio.file.Path;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A resume continues with the settings its run started with. Settings given again are accepted
 * when they are the run's own ({@code --offline --resume latest} for a run started offline) and
 * refused, naming the one that differs, when they are not: a run cannot change course half way.
 */
final class ResumeSettings {
    private ResumeSettings() {}

    static void check(RunMeta meta, boolean offline, boolean parallel, Map<String, String> inputs,
            @Nullable Path outputDirectory) {
        String run = "run " + meta.runId();
        if (offline && !meta.offline()) {
            throw differs("--offline", run + " started without it");
        }
        if (parallel && !meta.parallel()) {
            throw differs("--parallel", run + " started without it");
        }
        for (var e : inputs.entrySet()) {
            String had = meta.inputs().get(e.getKey());
            if (!e.getValue().equals(had)) {
                throw differs("--set " + e.getKey() + "=" + e.getValue(), had == null ? run + " did not set "
                        + e.getKey() : run + " has " + e.getKey() + "=" + had);
            }
        }
        if (outputDirectory != null && !outputDirectory.toAbsolutePath().normalize()
                .equals(Path.of(meta.outputDirectory()).toAbsolutePath().normalize())) {
            throw differs("--output-dir " + outputDirectory, run + " writes to " + meta.outputDirectory());
        }
    }

    private static UsageException differs(String given, String fact) {
        return new UsageException(given + " differs from the run being resumed (" + fact + "); a resume continues"
                + " with the run's own settings: drop it, or start a new run");
    }
}
