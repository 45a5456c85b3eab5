package dev.acp.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.acp.cache.ArtifactCache;
import dev.acp.cache.CacheMode;
import dev.acp.engine.StepRunFixture.Events;
import dev.acp.engine.StepRunFixture.ScriptedCalls;
import dev.acp.provider.JobHandle;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CacheGate} on its own, with a real {@link ArtifactCache} in a temporary folder: a stored
 * result is served into place for nothing, a damaged one is a miss, {@code --no-cache} neither
 * reads nor writes, a resumed step is collected rather than looked up, and an identical step
 * waits for the one making the result.
 */
@Timeout(30)
class CacheGateTest {
    @TempDir
    Path dir;

    private final Events events = new Events();
    private StepRunFixture fx;
    private ArtifactCache cache;
    private Path target;

    @BeforeEach
    void setUp() {
        fx = new StepRunFixture(dir, StepRunFixture.oneStep("speech", "seed: 1", ""), events,
                new ScriptedCalls(events, "speech", true));
        cache = new ArtifactCache(dir.resolve("cache"));
        fx.cache = cache;
        fx.cacheMode = CacheMode.USE;
        target = dir.resolve("out/hero.png");
    }

    private static StepRun attempt(StepRun s) {
        s.attempt++;
        return s;
    }

    private static Map<String, Object> params(StepRun s) throws Exception {
        return s.x.renderer.render(s.t);
    }

    /** One attempt that misses the cache, makes {@code content} and stores it. */
    private CacheInfo makeAndStore(StepRun s, String content) throws Exception {
        OutputPlacer out = new OutputPlacer(s);
        CacheGate gate = new CacheGate(s, out);
        CacheGate.Lookup lookup = gate.lookUp(params(s));
        assertThat(lookup.hit()).isNull();
        ProviderRequest request = StepRunFixture.request(s, out);
        Files.writeString(request.outputFile(), content);
        ProviderResult result = ProviderResult.file(Map.of("voice", "v1")).withRequestIds(List.of("req-1"));
        OutputPlacer.Placed placed = out.place(result, request, true);
        return gate.store(result, lookup, placed, new BigDecimal("0.40"));
    }

    @Test
    void a_stored_result_is_served_into_place_for_nothing_in_a_later_run() throws Exception {
        StepRun first = attempt(fx.stepRun());
        CacheGate looking = new CacheGate(first, new OutputPlacer(first));
        CacheGate.Lookup miss = looking.lookUp(params(first));
        assertThat(miss.hit()).isNull();
        assertThat(miss.cached()).isTrue();
        assertThat(miss.reason()).isEqualTo("not in the cache");
        looking.releaseClaim(); // the attempt failed: identical steps may go on

        CacheInfo stored = makeAndStore(attempt(fx.stepRun()), "pixels");
        assertThat(stored.status()).isEqualTo(CacheInfo.Status.MISS);
        assertThat(stored.key()).isEqualTo(miss.key().hash());
        assertThat(stored.deterministic()).as("seeded").isTrue();
        Files.delete(target);
        events.clear();

        fx.runId = "run-2";
        StepRun s = attempt(fx.stepRun());
        OutputPlacer out = new OutputPlacer(s);
        CacheGate gate = new CacheGate(s, out);
        CacheGate.Lookup hit = gate.lookUp(params(s));
        assertThat(hit.hit()).isNotNull();

        StepResult r = gate.serve(hit);

        assertThat(r).isNotNull();
        assertThat(r.status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(r.outputPath()).isEqualTo(target);
        assertThat(target).hasContent("pixels");
        assertThat(r.actualCost()).isEqualByComparingTo("0");
        assertThat(r.cache().status()).isEqualTo(CacheInfo.Status.HIT);
        assertThat(r.cache().saving()).as("what the call that made it cost").isEqualByComparingTo("0.40");
        assertThat(r.requestIds()).as("no request was made").isEmpty();
        assertThat(r.metadata()).containsEntry("voice", "v1").containsEntry("cached_from_request_ids",
                List.of("req-1")).containsKey("cached_at");
        assertThat(events.list()).as("a paid step records its zero cost with the output")
                .containsExactly("outputWritten hero.png 0.00 cache");
        out.cleanUp();
        assertThat(hidden()).isEmpty();
    }

    @Test
    void a_damaged_cached_output_is_not_served_and_the_lookup_becomes_a_miss() throws Exception {
        makeAndStore(attempt(fx.stepRun()), "pixels");
        Files.delete(target);
        StepRun s = attempt(fx.stepRun());
        OutputPlacer out = new OutputPlacer(s);
        CacheGate gate = new CacheGate(s, out);
        CacheGate.Lookup hit = gate.lookUp(params(s));
        Path object = cache.object(hit.hit().objectSha256()).orElseThrow();
        Files.writeString(object, "tampered");
        events.clear();

        assertThat(gate.serve(hit)).isNull();

        assertThat(target).doesNotExist();
        assertThat(hidden()).as("the restored copy is discarded").isEmpty();
        assertThat(events.list()).as("nothing journaled").isEmpty();
        CacheGate.Lookup miss = hit.damaged();
        assertThat(miss.hit()).isNull();
        assertThat(miss.cached()).as("the new result replaces it").isTrue();
        assertThat(miss.reason()).isEqualTo("the cached output was damaged or removed");
    }

    @Test
    void with_no_cache_the_cache_is_neither_read_nor_written() throws Exception {
        makeAndStore(attempt(fx.stepRun()), "pixels");
        fx.cacheMode = CacheMode.OFF;
        StepRun s = attempt(fx.stepRun());
        OutputPlacer out = new OutputPlacer(s);
        CacheGate gate = new CacheGate(s, out);

        CacheGate.Lookup lookup = gate.lookUp(params(s));

        assertThat(lookup.hit()).as("stored, but not read").isNull();
        assertThat(lookup.cached()).isFalse();
        assertThat(lookup.reason()).isEqualTo("--no-cache");
        ProviderRequest request = StepRunFixture.request(s, out);
        Files.writeString(request.outputFile(), "new pixels");
        OutputPlacer.Placed placed = out.place(ProviderResult.file(Map.of()), request, true);
        CacheInfo info = gate.store(ProviderResult.file(Map.of()), lookup, placed, BigDecimal.ONE);
        assertThat(info.status()).isEqualTo(CacheInfo.Status.OFF);
        assertThat(info.reason()).isEqualTo("--no-cache");
        // Not written: the cache still serves the first result.
        fx.cacheMode = CacheMode.USE;
        Files.delete(target);
        StepRun later = attempt(fx.stepRun());
        CacheGate again = new CacheGate(later, new OutputPlacer(later));
        assertThat(again.serve(again.lookUp(params(later)))).isNotNull();
        assertThat(target).hasContent("pixels");
    }

    @Test
    void with_refresh_an_earlier_result_is_not_served_and_the_new_one_replaces_it() throws Exception {
        makeAndStore(attempt(fx.stepRun()), "old pixels");
        fx.cacheMode = CacheMode.REFRESH;
        StepRun s = attempt(fx.stepRun());
        CacheGate refreshing = new CacheGate(s, new OutputPlacer(s));
        CacheGate.Lookup lookup = refreshing.lookUp(params(s));
        assertThat(lookup.hit()).isNull();
        assertThat(lookup.reason()).isEqualTo("--refresh");
        refreshing.releaseClaim();

        CacheInfo info = makeAndStore(attempt(fx.stepRun()), "new pixels");
        assertThat(info.status()).isEqualTo(CacheInfo.Status.REFRESHED);
        fx.cacheMode = CacheMode.USE;
        Files.delete(target);
        StepRun later = attempt(fx.stepRun());
        CacheGate gate = new CacheGate(later, new OutputPlacer(later));
        assertThat(gate.serve(gate.lookUp(params(later)))).isNotNull();
        assertThat(target).hasContent("new pixels");
    }

    @Test
    void a_resumed_step_is_collected_and_never_served_from_the_cache() throws Exception {
        makeAndStore(attempt(fx.stepRun()), "pixels");
        fx.resume = new ResumeState(Map.of("hero", new ResumeState.Attached(1, "k", JobHandle.of("speech", "j"))));
        StepRun s = attempt(fx.stepRun());

        CacheGate.Lookup lookup = new CacheGate(s, new OutputPlacer(s)).lookUp(params(s));

        assertThat(lookup.hit()).isNull();
        assertThat(lookup.cached()).isFalse();
        assertThat(lookup.key()).as("still the step's fingerprint").isNotNull();
    }

    @Test
    void an_identical_step_waits_for_the_one_making_the_result_and_is_then_served_it() throws Exception {
        StepRun leader = attempt(fx.stepRun());
        OutputPlacer out = new OutputPlacer(leader);
        CacheGate leading = new CacheGate(leader, out);
        CacheGate.Lookup lookup = leading.lookUp(params(leader));
        assertThat(lookup.hit()).isNull();

        StepRun follower = attempt(fx.stepRun());
        CompletableFuture<CacheGate.Lookup> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return new CacheGate(follower, new OutputPlacer(follower)).lookUp(params(follower));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, r -> Thread.ofVirtual().start(r));
        assertThat(waiting).as("no result before the leader stores one").isNotDone();

        ProviderRequest request = StepRunFixture.request(leader, out);
        Files.writeString(request.outputFile(), "pixels");
        leading.store(ProviderResult.file(Map.of()), lookup, out.place(ProviderResult.file(Map.of()), request, true),
                null);

        CacheGate.Lookup served = waiting.get(10, TimeUnit.SECONDS);
        assertThat(served.hit()).isNotNull();
        assertThat(served.hit().key()).isEqualTo(lookup.key().hash());
    }

    @Test
    void a_leader_that_gives_up_lets_the_next_identical_step_make_the_result_itself() throws Exception {
        StepRun leader = attempt(fx.stepRun());
        CacheGate leading = new CacheGate(leader, new OutputPlacer(leader));
        assertThat(leading.lookUp(params(leader)).hit()).isNull();

        leading.releaseClaim();

        StepRun next = attempt(fx.stepRun());
        CacheGate.Lookup lookup = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> new CacheGate(next, new OutputPlacer(next)).lookUp(params(next)));
        assertThat(lookup.hit()).isNull();
        assertThat(lookup.cached()).isTrue();
    }

    /** Files under hidden (temporary) names in the output folder. */
    private List<Path> hidden() throws Exception {
        try (var files = Files.list(dir.resolve("out"))) {
            return files.filter(p -> p.getFileName().toString().startsWith(".")).toList();
        }
    }
}
