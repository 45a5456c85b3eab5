package dev.acp.batch;

import dev.acp.http.Governor;
import dev.acp.plan.ExecutionPlan;
import dev.acp.plan.PlannedForEach;
import dev.acp.plan.PlannedTask;
import dev.acp.provider.ProviderRegistry;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * How many rows a batch keeps in flight when {@code --concurrency} is not given: as many as the
 * tightest provider the pipeline calls takes at once, or, when it calls none over the network
 * (local engines only), one row per processor core but at least {@link #LOCAL_LEAST}. More rows
 * than a provider takes would only wait in its governor while holding their memory; fewer would
 * leave it idle. Local rows are not held to the cores alone: much of a row's own time is spent
 * waiting on the disk (its journal's syncs, its folder), not computing, so on few cores more rows
 * than cores keep them busy (1,000 rows of free local steps took 27 s at 2 rows at a time and 12 s
 * at 8 on the 2-core benchmark VM, bench/RESULTS.md "Batches"); heavy local work (ffmpeg) is
 * limited per core on its own.
 *
 * <p>A provider takes {@code max(max_concurrency, max_jobs)} at once: a synchronous call holds a
 * request slot for its whole length, an asynchronous job a job slot (its polls take request
 * slots briefly). The figures are its governor's, so {@code ACP_<PROVIDER>_MAX_*} and
 * {@code config.yaml} count. The result is kept between 1 and {@link #MAX}.
 *
 * @param rows the rows in flight
 * @param reason why, for a notice: "the tightest provider, x, takes 4 at once"
 */
public record BatchConcurrency(int rows, String reason) {
    /** The most rows a default lets in flight: each row's run holds its plan, state and journal. */
    public static final int MAX = 64;
    /** The fewest rows a batch of local steps only runs at once by default, whatever the cores. */
    public static final int LOCAL_LEAST = 8;

    /**
     * The default for a batch whose rows plan like {@code sample} (null when no row was planned).
     * {@code limits} gives a provider's governor limits, or empty for one without a governor (a
     * local engine).
     */
    public static BatchConcurrency of(@Nullable ExecutionPlan sample,
            Function<String, Optional<Governor.Settings>> limits, int cores) {
        String tightest = null;
        int least = Integer.MAX_VALUE;
        for (String provider : sample == null ? Set.<String>of() : providers(sample)) {
            Optional<Governor.Settings> s = limits.apply(provider);
            if (s.isPresent()) {
                int takes = Math.max(s.get().maxConcurrentRequests(), s.get().maxJobsInFlight());
                if (takes < least) {
                    least = takes;
                    tightest = provider;
                }
            }
        }
        if (tightest == null) {
            int rows = Math.clamp(Math.max(cores, LOCAL_LEAST), 1, MAX);
            return new BatchConcurrency(rows, "local steps only: one row per processor core, at least " + LOCAL_LEAST);
        }
        return new BatchConcurrency(Math.clamp(least, 1, MAX), "the tightest provider, " + tightest + ", takes "
                + least + " at once");
    }

    /** The default with the registry's governors, each provider created first so that its own limits apply. */
    public static BatchConcurrency of(@Nullable ExecutionPlan sample, ProviderRegistry registry) {
        return of(sample, id -> {
            if (!registry.has(id)) {
                return Optional.empty();
            }
            try {
                registry.provider(id); // an HTTP provider creates its governor, with its own defaults, here
            } catch (RuntimeException e) {
                // Not creatable (say, without its key): its row fails on its own; its limits are unknown.
                return Optional.empty();
            }
            return registry.context().governors().settings(id);
        }, Runtime.getRuntime().availableProcessors());
    }

    /** Every provider a row may call: its enabled steps', their fallbacks' and its for_each templates'. */
    static Set<String> providers(ExecutionPlan plan) {
        Set<String> ids = new TreeSet<>();
        Stream<PlannedTask> tasks = Stream.concat(plan.tasks().stream().filter(PlannedTask::enabled),
                plan.steps().stream().filter(PlannedForEach.class::isInstance).map(PlannedForEach.class::cast)
                        .flatMap(f -> f.templates().stream()));
        tasks.forEach(t -> {
            ids.add(t.providerId());
            t.fallbacks().forEach(f -> ids.add(f.providerId()));
        });
        return ids;
    }
}
