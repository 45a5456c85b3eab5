package dev.acp.testkit.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The server's HTTP contract and ledger, spoken to with a plain HTTP client. */
class FakeJobServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BODY = "{\"step_id\":\"s1\",\"capability\":\"text_to_image\",\"parameters\":{\"prompt\":\"p\"}}";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private FakeJobServer server;

    @BeforeEach
    void start() {
        server = FakeJobServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
        http.close();
    }

    @Test
    void should_listen_on_loopback_with_an_ephemeral_port() {
        assertThat(server.baseUrl()).matches("http://127\\.0\\.0\\.1:\\d+");
        assertThat(server.settings()).isEqualTo(FakeJobServer.Settings.defaults());
        assertThat(server.settings().jobDuration()).isEqualTo(Duration.ofMillis(150));
        assertThat(server.settings().defaultCost()).isEqualByComparingTo("0.01");
    }

    @Test
    void should_create_a_job_with_201_and_answer_a_repeated_key_with_200() throws Exception {
        HttpResponse<String> created = submit("key-1", BODY);
        HttpResponse<String> repeated = submit("key-1", BODY);

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(repeated.statusCode()).isEqualTo(200);
        JsonNode job = JSON.readTree(created.body());
        String id = job.get("id").asText();
        assertThat(id).matches("job-\\d+");
        assertThat(job.get("status_url").asText()).isEqualTo(server.baseUrl() + "/v1/jobs/" + id);
        assertThat(job.get("result_url").asText()).isEqualTo(server.baseUrl() + "/v1/jobs/" + id + "/result");
        assertThat(job.get("cancel_url").asText()).isEqualTo(server.baseUrl() + "/v1/jobs/" + id + "/cancel");
        assertThat(JSON.readTree(repeated.body()).get("id").asText()).isEqualTo(id);
        assertThat(server.charges()).hasSize(1);
        assertThat(server.duplicateSubmissions()).hasSize(1);
    }

    @Test
    void should_refuse_a_submission_without_idempotency_key_with_400() throws Exception {
        HttpResponse<String> response = send(jobs().POST(HttpRequest.BodyPublishers.ofString(BODY)));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).at("/error/code").asText()).isEqualTo("missing_idempotency_key");
        assertThat(server.submissions()).isEmpty();
    }

    @Test
    void should_refuse_a_wrong_key_with_a_401_json_error_that_does_not_echo_it() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/jobs"))
                .header("Authorization", "Bearer not-the-key-42")
                .header("Idempotency-Key", "k")
                .POST(HttpRequest.BodyPublishers.ofString(BODY)));
        HttpResponse<String> missing = send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/jobs/job-1")));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(JSON.readTree(response.body()).at("/error/code").asText()).isEqualTo("unauthorized");
        assertThat(response.body()).doesNotContain("not-the-key-42");
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(server.submissions()).isEmpty();
    }

    @Test
    void should_refuse_malformed_requests() throws Exception {
        assertThat(submit("a", "not json").statusCode()).isEqualTo(400);
        assertThat(submit("b", "{\"capability\":\"text_to_image\"}").statusCode()).isEqualTo(400);
        assertThat(submit("c", "{\"step_id\":\"s\",\"capability\":\"image_to_video\"}").statusCode()).isEqualTo(422);
        assertThat(submit("d", "{\"step_id\":\"s\",\"capability\":\"text_to_image\",\"parameters\":[]}").statusCode())
                .isEqualTo(400);
        assertThat(submit("e", "{\"step_id\":\"s\",\"capability\":\"text_to_image\",\"parameters\":{\"fake_cost\":-1}}")
                .statusCode()).isEqualTo(422);
        assertThat(send(authorized("/v1/jobs")).statusCode()).isEqualTo(405);
        assertThat(send(authorized("/v1/nothing")).statusCode()).isEqualTo(404);
        assertThat(send(authorized("/v1/jobs/job-77")).statusCode()).isEqualTo(404);
        assertThat(server.submissions()).isEmpty();
        assertThat(server.charges()).isEmpty();
    }

    @Test
    void should_move_a_job_from_queued_through_running_to_succeeded() throws Exception {
        String body = "{\"step_id\":\"s\",\"capability\":\"text_to_speech\",\"parameters\":{\"fake_duration_ms\":400}}";
        JsonNode job = JSON.readTree(submit("k", body).body());

        List<String> seen = new ArrayList<>();
        List<Double> progress = new ArrayList<>();
        JsonNode status = pollUntilFinished(job.get("status_url").asText(), seen, progress);

        // A loaded machine may miss the queued quarter when polling, never the submission's answer.
        assertThat(job.get("status").asText()).isEqualTo("queued");
        assertThat(seen.stream().distinct().toList()).isSubsetOf("queued", "running", "succeeded")
                .contains("running")
                .endsWith("succeeded")
                .isSortedAccordingTo(Comparator.comparing(List.of("queued", "running", "succeeded")::indexOf));
        assertThat(progress).isSorted().last().isEqualTo(1.0);
        assertThat(status.get("logs")).extracting(JsonNode::asText)
                .containsExactly("job job-1 queued", "job job-1 running", "job job-1 succeeded");
        assertThat(status.has("poll_after_ms")).isFalse();
    }

    @Test
    void should_serve_the_result_with_content_type_and_cost_only_once_succeeded() throws Exception {
        String body = "{\"step_id\":\"s\",\"capability\":\"text_to_speech\",\"parameters\":{\"fake_cost\":\"0.25\","
                + "\"fake_duration_ms\":100}}";
        JsonNode job = JSON.readTree(submit("k", body).body());

        HttpResponse<String> early = send(authorized(job.get("result_url").asText()));
        pollUntilFinished(job.get("status_url").asText(), new ArrayList<>(), new ArrayList<>());
        HttpResponse<byte[]> result = http.send(authorized(job.get("result_url").asText()).build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(early.statusCode()).isEqualTo(409);
        assertThat(result.statusCode()).isEqualTo(200);
        assertThat(result.headers().firstValue("Content-Type")).contains("audio/mpeg");
        assertThat(result.headers().firstValue("X-Fake-Cost")).contains("0.25");
        assertThat(result.body()).startsWith('I', 'D', '3');
        assertThat(server.billedTotal()).isEqualByComparingTo("0.25");
    }

    @Test
    void should_answer_429_with_retry_after_without_creating_a_job() throws Exception {
        String body = "{\"step_id\":\"s\",\"capability\":\"text_to_image\",\"parameters\":{\"fake_submit_429\":1}}";

        HttpResponse<String> throttled = submit("k", body);
        HttpResponse<String> accepted = submit("k", body);
        HttpResponse<String> otherKey = submit("k2", body);

        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("Retry-After")).contains("1");
        assertThat(accepted.statusCode()).isEqualTo(201);
        assertThat(otherKey.statusCode()).isEqualTo(429);
        assertThat(server.throttledSubmissions()).isEqualTo(2);
        assertThat(server.submissions()).hasSize(1);
        assertThat(server.charges()).hasSize(1);
    }

    @Test
    void should_keep_the_ledger_consistent_under_concurrent_submissions() throws Exception {
        int keys = 20;
        int perKey = 10;
        Map<String, String> jobByKey = new ConcurrentHashMap<>();
        List<String> conflicts = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<HttpResponse<String>>> futures = new ArrayList<>();
            for (int k = 0; k < keys; k++) {
                for (int i = 0; i < perKey; i++) {
                    String key = "key-" + k;
                    String body = "{\"step_id\":\"step-" + k + "\",\"capability\":\"text_to_image\",\"parameters\":{}}";
                    futures.add(executor.submit(() -> {
                        go.await();
                        HttpResponse<String> r = submit(key, body);
                        String id = JSON.readTree(r.body()).get("id").asText();
                        String previous = jobByKey.putIfAbsent(key, id);
                        if (previous != null && !previous.equals(id)) {
                            synchronized (conflicts) {
                                conflicts.add(key + ": " + previous + " vs " + id);
                            }
                        }
                        return r;
                    }));
                }
            }
            go.countDown();
            long created = 0;
            for (Future<HttpResponse<String>> f : futures) {
                int status = f.get().statusCode();
                assertThat(status).isIn(200, 201);
                created += status == 201 ? 1 : 0;
            }
            assertThat(created).isEqualTo(keys);
        }

        assertThat(conflicts).isEmpty();
        assertThat(server.submissions()).hasSize(keys);
        assertThat(server.duplicateSubmissions()).hasSize(keys * (perKey - 1));
        assertThat(server.charges()).hasSize(keys);
        assertThat(server.billedTotal()).isEqualByComparingTo(new BigDecimal("0.01").multiply(BigDecimal.valueOf(keys)));
        assertThat(server.submissionsByStep()).hasSize(keys).allSatisfy((step, count) -> assertThat(count).isEqualTo(1));
        assertThat(server.submissions()).extracting(FakeJobServer.Submission::jobId).doesNotHaveDuplicates();
    }

    @Test
    void should_serve_the_records_as_json_and_forget_them_on_reset() throws Exception {
        submit("k", BODY);
        submit("k", BODY);
        JsonNode job = JSON.readTree(submit("k-long",
                "{\"step_id\":\"s2\",\"capability\":\"text_to_video\",\"parameters\":{\"fake_duration_ms\":60000}}").body());
        assertThat(send(authorized(job.get("cancel_url").asText())
                .POST(HttpRequest.BodyPublishers.noBody())).statusCode()).isEqualTo(200);

        JsonNode records = JSON.readTree(send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/_records")))
                .body());

        assertThat(records.get("submissions")).hasSize(2);
        assertThat(records.at("/submissions/0/parameters/prompt").asText()).isEqualTo("p");
        assertThat(records.get("duplicate_submissions")).hasSize(1);
        assertThat(records.get("charges")).hasSize(2);
        assertThat(records.get("billed_total").decimalValue()).isEqualByComparingTo("0.02");
        assertThat(records.at("/submissions_by_step/s1").asInt()).isEqualTo(1);
        assertThat(records.at("/cancellations/0/job_id").asText()).isEqualTo(job.get("id").asText());
        assertThat(records.get("throttled_submissions").asInt()).isZero();

        server.reset();

        assertThat(server.submissions()).isEmpty();
        assertThat(server.duplicateSubmissions()).isEmpty();
        assertThat(server.charges()).isEmpty();
        assertThat(server.cancellations()).isEmpty();
        assertThat(server.billedTotal()).isEqualByComparingTo("0");
        assertThat(send(authorized(job.get("status_url").asText())).statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(submit("k", BODY).body()).get("id").asText()).isEqualTo("job-3");
    }

    @Test
    void should_refuse_to_cancel_a_finished_job_with_409() throws Exception {
        String body = "{\"step_id\":\"s\",\"capability\":\"text_to_image\",\"parameters\":{\"fake_duration_ms\":0}}";
        JsonNode job = JSON.readTree(submit("k", body).body());

        HttpResponse<String> response = send(authorized(job.get("cancel_url").asText())
                .POST(HttpRequest.BodyPublishers.noBody()));

        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(server.cancellations()).isEmpty();
    }

    // ---------------------------------------------------------------- helpers

    private HttpRequest.Builder jobs() {
        return HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/jobs"))
                .header("Authorization", "Bearer " + server.apiKey());
    }

    private HttpRequest.Builder authorized(String pathOrUrl) {
        String url = pathOrUrl.startsWith("http") ? pathOrUrl : server.baseUrl() + pathOrUrl;
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + server.apiKey());
    }

    private HttpResponse<String> submit(String key, String body) throws Exception {
        return send(jobs().header("Idempotency-Key", key).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode pollUntilFinished(String statusUrl, List<String> seen, List<Double> progress) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            HttpResponse<String> response = send(authorized(statusUrl));
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode status = JSON.readTree(response.body());
            seen.add(status.get("status").asText());
            progress.add(status.get("progress").asDouble());
            if (!List.of("queued", "running").contains(status.get("status").asText())) {
                return status;
            }
            assertThat(status.get("poll_after_ms").asLong()).isBetween(10L, 1000L);
            if (System.nanoTime() > deadline) {
                fail("job still pending after 10 s: " + status);
            }
            Thread.sleep(5);
        }
    }
}
