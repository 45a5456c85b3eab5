package dev.acp.testkit.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.fail;

import dev.acp.env.Environment;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.pipeline.Capability;
import dev.acp.provider.JobHandle;
import dev.acp.provider.JobProvider;
import dev.acp.provider.JobStatus;
import dev.acp.provider.Provider;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderFactory;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import java.awt.image.BufferedImage;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The client {@code provider: fakejobs} against a real {@link FakeJobServer}. */
class FakeJobProviderContractTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private FakeJobServer server;
    private JobProvider provider;

    @BeforeEach
    void start() {
        server = FakeJobServer.start(FakeJobServer.Settings.defaults().withJobDuration(Duration.ofMillis(40)));
        provider = provider(Map.of(
                FakeJobProviderFactory.BASE_URL_VARIABLE, server.baseUrl(),
                FakeJobProviderFactory.API_KEY_VARIABLE, server.apiKey()));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    // ---------------------------------------------------------------- happy paths

    @ParameterizedTest
    @EnumSource(names = {"TEXT_TO_IMAGE", "IMAGE_TO_IMAGE", "TEXT_TO_SPEECH", "TEXT_TO_VIDEO", "PROMPT_GENERATION"})
    void should_submit_poll_and_fetch_each_capability(Capability capability) throws Exception {
        ProviderRequest request = request("step-1", capability, Map.of("prompt", "a red fox"));

        JobHandle handle = provider.submit(request, "key-1");
        assertThat(handle.provider()).isEqualTo("fakejobs");
        assertThat(handle.data()).containsOnlyKeys("status_url", "result_url", "cancel_url");
        assertThat(handle.data().get("status_url")).isEqualTo(server.baseUrl() + "/v1/jobs/" + handle.id());
        assertThat(awaitFinished(handle)).isInstanceOf(JobStatus.Succeeded.class);
        ProviderResult result = provider.fetch(handle, request);

        assertThat(result.actualCost()).isEqualByComparingTo("0.01");
        assertThat(result.requestIds()).containsExactly(handle.id());
        assertThat(result.metadata()).containsEntry("job_id", handle.id());
        switch (capability.outputKind()) {
            case IMAGE -> {
                assertThat(result.wroteFile()).isTrue();
                BufferedImage image = ImageIO.read(request.outputFile().toFile());
                assertThat(image).isNotNull();
                assertThat(image.getWidth()).isEqualTo(64);
                assertThat(result.metadata()).containsEntry("content_type", "image/png");
            }
            case AUDIO -> {
                assertThat(result.wroteFile()).isTrue();
                assertThat(Files.readAllBytes(request.outputFile())).startsWith('I', 'D', '3');
                assertThat(result.metadata()).containsEntry("content_type", "audio/mpeg");
            }
            case VIDEO -> {
                assertThat(result.wroteFile()).isTrue();
                byte[] bytes = Files.readAllBytes(request.outputFile());
                assertThat(new String(bytes, 4, 4, StandardCharsets.US_ASCII)).isEqualTo("ftyp");
                assertThat(result.metadata()).containsEntry("content_type", "video/mp4");
            }
            case TEXT -> {
                assertThat(result.wroteFile()).isFalse();
                assertThat(result.text()).startsWith("fake prompt ").contains("a red fox");
                assertThat(request.outputFile()).doesNotExist();
            }
        }
        assertThat(result.metadata().get("bytes")).isNotEqualTo(0L);
        assertThat(server.submissions()).singleElement().satisfies(s -> {
            assertThat(s.jobId()).isEqualTo(handle.id());
            assertThat(s.stepId()).isEqualTo("step-1");
            assertThat(s.capability()).isEqualTo(capability.wireName());
            assertThat(s.idempotencyKey()).isEqualTo("key-1");
            assertThat(s.parameters()).isEqualTo("{\"prompt\":\"a red fox\"}");
        });
    }

    @ParameterizedTest
    @EnumSource(names = {"TEXT_TO_IMAGE", "TEXT_TO_SPEECH", "TEXT_TO_VIDEO", "PROMPT_GENERATION"})
    void should_give_identical_bytes_for_identical_parameters_whatever_the_step(Capability capability)
            throws Exception {
        byte[] first = generate("step-a", capability, Map.of("prompt", "a red fox", "seed", 7));
        byte[] sameOtherStep = generate("step-b", capability, Map.of("seed", 7, "prompt", "a red fox"));
        byte[] sameOtherPrice = generate("step-c", capability, Map.of("seed", 7.0, "prompt", "a red fox", "fake_cost", 1));
        byte[] other = generate("step-d", capability, Map.of("prompt", "a red fox", "seed", 8));

        assertThat(sameOtherStep).isEqualTo(first);
        assertThat(sameOtherPrice).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
        assertThat(server.charges()).extracting(FakeJobServer.Charge::amount)
                .usingElementComparator(BigDecimal::compareTo)
                .containsExactly(new BigDecimal("0.01"), new BigDecimal("0.01"), BigDecimal.ONE, new BigDecimal("0.01"));
    }

    @Test
    void should_honour_image_width_and_height() throws Exception {
        ProviderRequest request = request("wide", Capability.TEXT_TO_IMAGE, Map.of("width", 96, "height", 32));
        ProviderResult result = provider.execute(request);

        BufferedImage image = ImageIO.read(request.outputFile().toFile());
        assertThat(result.wroteFile()).isTrue();
        assertThat(image.getWidth()).isEqualTo(96);
        assertThat(image.getHeight()).isEqualTo(32);
    }

    @Test
    void should_run_execute_end_to_end() throws Exception {
        server.close();
        server = FakeJobServer.start(FakeJobServer.Settings.defaults());
        provider = provider(Map.of(
                FakeJobProviderFactory.BASE_URL_VARIABLE, server.baseUrl() + "/",
                FakeJobProviderFactory.API_KEY_VARIABLE, server.apiKey()));
        RecordingStepContext context = new RecordingStepContext(dir);
        ProviderRequest request = new ProviderRequest(
                "narration", Capability.TEXT_TO_SPEECH, null, Map.of("text", "hello"), dir.resolve("out.mp3"), context);

        ProviderResult result = provider.execute(request);

        assertThat(result.wroteFile()).isTrue();
        assertThat(result.actualCost()).isEqualByComparingTo("0.01");
        assertThat(request.outputFile()).isNotEmptyFile();
        assertThat(context.progress).isNotEmpty().allMatch(p -> p.startsWith("queued") || p.startsWith("running"));
        assertThat(server.submissionsByStep()).containsExactly(Map.entry("narration", 1));
        assertThat(server.billedTotal()).isEqualByComparingTo("0.01");
    }

    // ---------------------------------------------------------------- exactly once

    @Test
    void should_create_one_job_and_one_charge_for_a_repeated_idempotency_key() throws Exception {
        ProviderRequest request = request("hero", Capability.TEXT_TO_IMAGE, Map.of("prompt", "a castle"));

        JobHandle first = provider.submit(request, "attempt-1");
        JobHandle again = provider.submit(request, "attempt-1");
        assertThat(awaitFinished(first)).isInstanceOf(JobStatus.Succeeded.class);
        JobHandle afterFinish = provider.submit(request, "attempt-1");

        assertThat(again).isEqualTo(first);
        assertThat(afterFinish).isEqualTo(first);
        assertThat(server.submissions()).hasSize(1);
        assertThat(server.duplicateSubmissions()).hasSize(2)
                .allSatisfy(d -> assertThat(d.jobId()).isEqualTo(first.id()));
        assertThat(server.charges()).hasSize(1);
        assertThat(server.billedTotal()).isEqualByComparingTo("0.01");
        assertThat(server.submissionsByStep()).containsExactly(Map.entry("hero", 1));
    }

    @Test
    void should_refuse_a_reused_key_with_a_different_request_as_validation() throws Exception {
        provider.submit(request("hero", Capability.TEXT_TO_IMAGE, Map.of("prompt", "a castle")), "attempt-1");

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> provider.submit(
                request("hero", Capability.TEXT_TO_IMAGE, Map.of("prompt", "a moat")), "attempt-1"));

        assertThat(e.kind()).isEqualTo(ErrorKind.VALIDATION);
        assertThat(e.getMessage()).contains("HTTP 422").contains("idempotency_key_reused");
        assertThat(server.charges()).hasSize(1);
        assertThat(server.duplicateSubmissions()).isEmpty();
    }

    // ---------------------------------------------------------------- failures

    @Test
    void should_map_429_to_rate_limit_with_retry_after_without_charging() throws Exception {
        ProviderRequest request = request("busy", Capability.TEXT_TO_IMAGE, Map.of("fake_submit_429", 2));

        for (int i = 0; i < 2; i++) {
            ProviderException e = catchThrowableOfType(ProviderException.class, () -> provider.submit(request, "k"));
            assertThat(e.kind()).isEqualTo(ErrorKind.RATE_LIMIT);
            assertThat(e.retryable()).isTrue();
            assertThat(e.retryAfter()).contains(Duration.ofSeconds(1));
        }
        assertThat(server.charges()).isEmpty();
        assertThat(server.submissions()).isEmpty();
        JobHandle handle = provider.submit(request, "k");

        assertThat(server.throttledSubmissions()).isEqualTo(2);
        assertThat(server.submissions()).extracting(FakeJobServer.Submission::jobId).containsExactly(handle.id());
        assertThat(server.charges()).hasSize(1);
    }

    @Test
    void should_map_503_polls_to_transient() throws Exception {
        JobHandle handle = provider.submit(request("flaky", Capability.TEXT_TO_IMAGE, Map.of("fake_poll_503", 2)), "k");

        for (int i = 0; i < 2; i++) {
            ProviderException e = catchThrowableOfType(ProviderException.class, () -> provider.poll(handle));
            assertThat(e.kind()).isEqualTo(ErrorKind.TRANSIENT);
            assertThat(e.getMessage()).contains("HTTP 503");
            assertThat(e.requestId()).contains(handle.id());
        }
        assertThat(awaitFinished(handle)).isInstanceOf(JobStatus.Succeeded.class);
    }

    @Test
    void should_report_a_failed_job_as_failed_and_refuse_its_result() throws Exception {
        ProviderRequest request = request("doomed", Capability.TEXT_TO_VIDEO, Map.of("fake_fail", "job"));
        JobHandle handle = provider.submit(request, "k");

        JobStatus status = awaitFinished(handle);

        assertThat(status).isInstanceOfSatisfying(JobStatus.Failed.class, f -> {
            assertThat(f.kind()).isEqualTo(ErrorKind.TRANSIENT);
            assertThat(f.message()).contains(handle.id()).contains("failed");
        });
        ProviderException e = catchThrowableOfType(ProviderException.class, () -> provider.fetch(handle, request));
        assertThat(e.kind()).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(e.getMessage()).contains("HTTP 409");
        assertThat(request.outputFile()).doesNotExist();
        assertThat(server.charges()).hasSize(1);
    }

    @Test
    void should_report_the_scripted_kind_of_a_failed_job() throws Exception {
        JobHandle handle = provider.submit(request("nsfw", Capability.TEXT_TO_IMAGE,
                Map.of("fake_fail", "job", "fake_fail_kind", "content_policy")), "k");

        assertThat(awaitFinished(handle)).isInstanceOfSatisfying(JobStatus.Failed.class,
                f -> assertThat(f.kind()).isEqualTo(ErrorKind.CONTENT_POLICY));
    }

    @Test
    void should_map_401_to_auth_without_the_key_in_the_message() throws Exception {
        String wrongKey = "sk-wrong-" + UUID.randomUUID();
        JobProvider wrong = provider(Map.of(
                FakeJobProviderFactory.BASE_URL_VARIABLE, server.baseUrl(),
                FakeJobProviderFactory.API_KEY_VARIABLE, wrongKey));

        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> wrong.submit(request("s", Capability.TEXT_TO_IMAGE, Map.of()), "k"));

        assertThat(e.kind()).isEqualTo(ErrorKind.AUTH);
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("HTTP 401").doesNotContain(wrongKey).doesNotContain(server.apiKey());
        assertThat(server.submissions()).isEmpty();
    }

    @Test
    void should_fail_a_truncated_download_as_transient_and_leave_no_partial_file() throws Exception {
        ProviderRequest request = request("cut", Capability.TEXT_TO_VIDEO,
                Map.of("fake_truncate", true, "fake_size_bytes", 200_000));
        JobHandle handle = provider.submit(request, "k");
        assertThat(awaitFinished(handle)).isInstanceOf(JobStatus.Succeeded.class);

        long started = System.nanoTime();
        ProviderException e = catchThrowableOfType(ProviderException.class, () -> provider.fetch(handle, request));

        assertThat(e.kind()).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(e.requestId()).contains(handle.id());
        assertThat(request.outputFile()).doesNotExist();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(FakeJobProvider.REQUEST_TIMEOUT);
    }

    @Test
    void should_fail_a_truncated_text_result_as_transient() throws Exception {
        ProviderRequest request = request("cut", Capability.PROMPT_GENERATION, Map.of("fake_truncate", "true"));
        JobHandle handle = provider.submit(request, "k");
        assertThat(awaitFinished(handle)).isInstanceOf(JobStatus.Succeeded.class);

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> provider.fetch(handle, request));

        assertThat(e.kind()).isEqualTo(ErrorKind.TRANSIENT);
    }

    @Test
    void should_map_fetching_an_unfinished_job_to_transient() throws Exception {
        ProviderRequest request = request("slow", Capability.TEXT_TO_IMAGE, Map.of("fake_duration_ms", 60_000));
        JobHandle handle = provider.submit(request, "k");

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> provider.fetch(handle, request));

        assertThat(e.kind()).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(e.getMessage()).contains("HTTP 409").contains("not_ready");
        assertThat(request.outputFile()).doesNotExist();
    }

    @Test
    void should_map_an_unknown_job_to_not_found() throws Exception {
        String url = server.baseUrl() + "/v1/jobs/job-999";
        JobHandle handle = new JobHandle("fakejobs", "job-999",
                Map.of("status_url", url, "result_url", url + "/result", "cancel_url", url + "/cancel"));

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> provider.poll(handle));

        assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
    }

    @Test
    void should_map_a_bad_scripting_parameter_to_validation() {
        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> provider.submit(request("typo", Capability.TEXT_TO_IMAGE, Map.of("fake_fial", "job")), "k"));

        assertThat(e.kind()).isEqualTo(ErrorKind.VALIDATION);
        assertThat(e.getMessage()).contains("HTTP 422").contains("fake_fial");
        assertThat(server.charges()).isEmpty();
    }

    @Test
    void should_map_a_refused_connection_to_transient() throws Exception {
        FakeJobServer gone = FakeJobServer.start();
        gone.close();
        JobProvider unreachable = provider(Map.of(
                FakeJobProviderFactory.BASE_URL_VARIABLE, gone.baseUrl(),
                FakeJobProviderFactory.API_KEY_VARIABLE, gone.apiKey()));

        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> unreachable.submit(request("s", Capability.TEXT_TO_IMAGE, Map.of()), "k"));

        assertThat(e.kind()).isEqualTo(ErrorKind.TRANSIENT);
    }

    @Test
    void should_send_the_key_only_to_the_origin_of_the_base_url() throws Exception {
        try (FakeJobServer elsewhere = FakeJobServer.start()) {
            String url = elsewhere.baseUrl() + "/v1/jobs/job-1";
            JobHandle foreign = new JobHandle("fakejobs", "job-1",
                    Map.of("status_url", url, "result_url", url + "/result", "cancel_url", url + "/cancel"));

            ProviderException e = catchThrowableOfType(ProviderException.class, () -> provider.poll(foreign));

            assertThat(e.kind()).isEqualTo(ErrorKind.AUTH);
        }
    }

    @Test
    void should_stop_promptly_when_interrupted() throws Exception {
        ProviderRequest request = request("endless", Capability.TEXT_TO_VIDEO, Map.of("fake_duration_ms", 60_000));
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread runner = Thread.ofVirtual().start(() -> {
            try {
                provider.execute(request);
            } catch (Throwable t) {
                outcome.set(t);
            }
        });
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (server.submissions().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(server.submissions()).hasSize(1);

        runner.interrupt();

        assertThat(runner.join(Duration.ofSeconds(5))).isTrue();
        assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
    }

    // ---------------------------------------------------------------- cancel

    @Test
    void should_record_a_cancellation() throws Exception {
        JobHandle handle = provider.submit(
                request("long", Capability.TEXT_TO_VIDEO, Map.of("fake_duration_ms", 60_000)), "k");

        provider.cancel(handle);
        provider.cancel(handle);

        assertThat(server.cancellations()).singleElement().satisfies(c -> {
            assertThat(c.jobId()).isEqualTo(handle.id());
            assertThat(c.stepId()).isEqualTo("long");
            assertThat(c.statusBefore()).isIn("queued", "running");
        });
        assertThat(provider.poll(handle)).isInstanceOf(JobStatus.Failed.class);
    }

    @Test
    void should_ignore_cancelling_a_finished_job() throws Exception {
        JobHandle handle = provider.submit(request("quick", Capability.TEXT_TO_IMAGE, Map.of()), "k");
        assertThat(awaitFinished(handle)).isInstanceOf(JobStatus.Succeeded.class);

        provider.cancel(handle);

        assertThat(server.cancellations()).isEmpty();
    }

    // ---------------------------------------------------------------- configuration

    @Test
    void should_fail_calls_naming_the_variable_when_the_base_url_is_missing() {
        JobProvider unconfigured = provider(Map.of(FakeJobProviderFactory.API_KEY_VARIABLE, "whatever-key-123"));

        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> unconfigured.submit(request("s", Capability.TEXT_TO_IMAGE, Map.of()), "k"));

        assertThat(e.kind()).isEqualTo(ErrorKind.VALIDATION);
        assertThat(e.getMessage()).contains("ACP_FAKEJOBS_BASE_URL").doesNotContain("\n");
        assertThat(unconfigured.check(Capability.TEXT_TO_IMAGE, null, Map.of(), "png"))
                .singleElement()
                .satisfies(issue -> assertThat(issue.message()).contains("ACP_FAKEJOBS_BASE_URL"));
    }

    @Test
    void should_fail_calls_naming_the_variable_when_the_key_is_missing() {
        JobProvider keyless = provider(Map.of(FakeJobProviderFactory.BASE_URL_VARIABLE, server.baseUrl()));

        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> keyless.submit(request("s", Capability.TEXT_TO_IMAGE, Map.of()), "k"));

        assertThat(e.kind()).isEqualTo(ErrorKind.AUTH);
        assertThat(e.getMessage()).contains("FAKEJOBS_API_KEY");
        assertThat(server.submissions()).isEmpty();
    }

    @Test
    void should_check_the_scripted_failure_at_validation_time() {
        assertThat(provider.check(Capability.TEXT_TO_IMAGE, null, Map.of("fake_fail", "jobb"), "png"))
                .extracting(Provider.Issue::parameter)
                .containsExactly("fake_fail");
        assertThat(provider.check(Capability.TEXT_TO_IMAGE, null, Map.of("fake_fail", "{{steps.a.text}}"), "png"))
                .isEmpty();
    }

    @Test
    void should_describe_itself_through_the_factory() {
        ProviderFactory factory = ServiceLoader.load(ProviderFactory.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(f -> f.id().equals("fakejobs"))
                .findFirst()
                .orElseThrow();

        assertThat(factory).isInstanceOf(FakeJobProviderFactory.class);
        assertThat(factory.credentialVariables()).containsExactly("FAKEJOBS_API_KEY");
        assertThat(factory.capabilities()).containsExactlyInAnyOrder(Capability.TEXT_TO_IMAGE,
                Capability.TEXT_TO_SPEECH, Capability.TEXT_TO_VIDEO, Capability.IMAGE_TO_IMAGE,
                Capability.PROMPT_GENERATION);
        assertThat(provider.id()).isEqualTo("fakejobs");
        assertThat(provider.capabilities()).isEqualTo(factory.capabilities());
        assertThat(provider.costsMoney()).isTrue();
        assertThat(provider.idempotentSubmit()).isTrue();
        assertThat(provider.deterministic(Capability.TEXT_TO_IMAGE, Map.of())).isTrue();
        assertThat(ServiceLoader.load(ProviderFactory.class).stream().map(p -> p.type().getSimpleName()))
                .contains("ScriptedProviderFactory", "FakeJobProviderFactory");
    }

    @Test
    void should_read_retry_after_as_seconds_or_as_an_http_date() {
        Clock clock = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);
        FakeJobProvider p = new FakeJobProvider(Environment.of(Map.of()), clock);

        assertThat(p.retryAfter("3")).isEqualTo(Duration.ofSeconds(3));
        assertThat(p.retryAfter("Sun, 22 Nov 2026 10:00:30 GMT")).isEqualTo(Duration.ofSeconds(30));
        assertThat(p.retryAfter("Sun, 22 Nov 2026 09:00:00 GMT")).isEqualTo(Duration.ZERO);
        assertThat(p.retryAfter("soon")).isNull();
        assertThat(p.retryAfter(null)).isNull();
    }

    // ---------------------------------------------------------------- helpers

    private JobProvider provider(Map<String, String> env) {
        Provider p = new FakeJobProviderFactory()
                .create(ProviderContext.of(Environment.of(env), dir.resolve("acp-home"), Clock.systemUTC()));
        return (JobProvider) p;
    }

    private ProviderRequest request(String stepId, Capability capability, Map<String, Object> parameters) {
        Path out = dir.resolve(stepId + "-" + UUID.randomUUID() + "." + capability.outputKind().defaultExtension());
        return new ProviderRequest(stepId, capability, null, parameters, out, new RecordingStepContext(dir));
    }

    private byte[] generate(String stepId, Capability capability, Map<String, Object> parameters) throws Exception {
        ProviderRequest request = request(stepId, capability, new HashMap<>(parameters));
        JobHandle handle = provider.submit(request, stepId + "-key");
        assertThat(awaitFinished(handle)).isInstanceOf(JobStatus.Succeeded.class);
        ProviderResult result = provider.fetch(handle, request);
        return result.text() != null
                ? result.text().getBytes(StandardCharsets.UTF_8)
                : Files.readAllBytes(request.outputFile());
    }

    /** Polls until the job is no longer pending, failing the test after {@link #WAIT}. */
    private JobStatus awaitFinished(JobHandle handle) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            JobStatus status = provider.poll(handle);
            if (!(status instanceof JobStatus.Pending)) {
                return status;
            }
            if (System.nanoTime() > deadline) {
                fail("job " + handle.id() + " still pending after " + WAIT + ": " + status);
            }
            Thread.sleep(5);
        }
    }
}
