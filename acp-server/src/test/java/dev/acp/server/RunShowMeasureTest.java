package dev.acp.server;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * A measurement, not a test of the default build (skipped without {@code ACP_MEASURE=1}):
 * GET /api/runs/{id} on a finished run with a journal of about 1 MB (1,000 for_each items with
 * long prompts), 50 requests one after another and 20 clients of 10 requests each, twice.
 * {@code ACP_MEASURE=1 ./mvnw -B -o test -pl acp-server -am -Dtest=RunShowMeasureTest
 * -Dsurefire.failIfNoSpecifiedTests=false}, then grep MEASURE in the output.
 */
@EnabledIfEnvironmentVariable(named = "ACP_MEASURE", matches = "1")
class RunShowMeasureTest {
    @TempDir
    Path dir;

    @Test
    void measure() throws Exception {
        int items = Integer.getInteger("items", 1000);
        StringBuilder list = new StringBuilder("[");
        for (int i = 0; i < items; i++) {
            list.append(i == 0 ? "" : ",").append("\"item number ").append(i).append(" ").append("x".repeat(600)).append("\"");
        }
        list.append("]");
        String pipeline = """
                pipeline_name: big
                output_directory: big
                inputs:
                  things: { type: list, default: [] }
                steps:
                  - id: block
                    for_each: "{{inputs.things}}"
                    steps:
                      - { id: pic, step_type: text_to_image, provider: scripted, config: { prompt: "{{item}}" },
                          output_filename: "pic_{{index}}.png" }
                """;
        try (TestServer s = new TestServer(dir, o -> o)) {
            String id = s.start(Map.of("pipeline", pipeline, "inputs", Map.of("things", list.toString())));
            s.awaitRun(id, n -> n.path("report").isObject());
            long size = Files.size(s.home.resolve("runs").resolve(id).resolve("journal.jsonl"));
            for (int round = 0; round < 2; round++) {
                List<Long> single = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    long t = System.nanoTime();
                    HttpResponse<String> r = s.get("/api/runs/" + id);
                    single.add(System.nanoTime() - t);
                    if (r.statusCode() != 200) throw new AssertionError(r.body());
                }
                List<Long> loaded = Collections.synchronizedList(new ArrayList<>());
                try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                    List<Future<?>> fs = new ArrayList<>();
                    for (int c = 0; c < 20; c++) {
                        fs.add(pool.submit(() -> {
                            for (int i = 0; i < 10; i++) {
                                long t = System.nanoTime();
                                s.get("/api/runs/" + id);
                                loaded.add(System.nanoTime() - t);
                            }
                            return null;
                        }));
                    }
                    for (Future<?> f : fs) f.get();
                }
                System.out.printf("MEASURE round %d journal %d bytes: sequential 50 median %.1f ms p99 %.1f ms; 20 clients x 10 median %.1f ms p99 %.1f ms%n",
                        round, size, pct(single, 50), pct(single, 99), pct(loaded, 50), pct(loaded, 99));
            }
        }
    }

    private static double pct(List<Long> ns, int p) {
        List<Long> sorted = new ArrayList<>(ns);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1)) / 1e6;
    }
}
