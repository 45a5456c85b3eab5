package dev.acp.testkit.contract;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.provider.JobHandle;
import dev.acp.provider.JobProvider;
import dev.acp.provider.JobStatus;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderRequest;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract of a provider whose work is a job (submit, poll, fetch), on top of
 * {@link HttpProviderContract}, whose paid call is the submission: a job goes from submitted to
 * pending to done and its result is fetched; a journaled handle is re-attached by a new process
 * without submitting again; a submission whose answer was lost is never sent twice by the provider;
 * polls are safe to repeat and honour the waits asked for; a job is cancelled with the documented
 * request, its key only to the configured origin, and a cancel that fails is reported as a
 * provider failure, never thrown as a crash (or, where the API has no cancel, nothing is sent).
 */
public abstract class JobProviderContract extends HttpProviderContract {

    /** The answer of {@link #paidCall()} that accepts the job. */
    protected abstract ResponseDefinitionBuilder submitted();

    /** The request that looks at the job, as a fresh mapping without a response. */
    protected abstract MappingBuilder statusCall();

    /** The status answer of a job still running. */
    protected abstract ResponseDefinitionBuilder pending();

    /** The status answer of a finished job whose result is at {@code mediaUrl}. */
    protected abstract ResponseDefinitionBuilder done(String mediaUrl);

    /** How the provider cancels the job that {@link #submitted()} accepted. */
    protected abstract Cancellation cancellation();

    /** Any further call that fetch makes for a done job (fal's result request); none by default. */
    protected void stubResult(String mediaUrl) {}

    @Override
    protected abstract JobProvider provider(ProviderContext context, java.time.Duration callTimeout);

    @Override
    protected final Delivery delivery() {
        return Delivery.URL;
    }

    @Override
    protected final void stubSuccess(String mediaUrl, ResponseDefinitionBuilder media) {
        stubPrerequisites();
        api.stubFor(paidCall().willReturn(submitted()));
        api.stubFor(statusCall().willReturn(done(mediaUrl)));
        stubResult(mediaUrl);
    }

    /** Submits and polls with the usual limits, then fetches with the short one (a new instance, as after a restart). */
    @Override
    protected final Object runWithShortDownload(ProviderRequest request) throws Exception {
        JobProvider provider = jobProvider();
        JobHandle handle = provider.submit(request, "contract-key-stall");
        assertThat(provider.poll(handle)).isInstanceOf(JobStatus.Succeeded.class);
        return provider(contexts.context(), SHORT_TIMEOUT).fetch(handle, request);
    }

    private JobProvider jobProvider() {
        return provider(contexts.context(), CALL_TIMEOUT);
    }

    @Test
    void a_job_is_submitted_once_polled_until_done_and_its_result_fetched() throws Exception {
        String url = serve(api, media());
        stubPrerequisites();
        api.stubFor(paidCall().willReturn(submitted()));
        api.stubFor(statusCall().inScenario("job").whenScenarioStateIs(STARTED).willReturn(pending())
                .willSetStateTo("done"));
        api.stubFor(statusCall().inScenario("job").whenScenarioStateIs("done").willReturn(done(url)));
        stubResult(url);
        JobProvider provider = jobProvider();
        ProviderRequest request = request(outputFile());

        JobHandle handle = provider.submit(request, "contract-key-1");
        JobStatus first = provider.poll(handle);
        JobStatus second = provider.poll(handle);
        provider.fetch(handle, request);

        assertThat(first).isInstanceOf(JobStatus.Pending.class);
        assertThat(second).isInstanceOf(JobStatus.Succeeded.class);
        assertThat(outputFile()).hasBinaryContent(mediaKind().bytes());
        assertThat(paidCallsReceived()).isEqualTo(1);
        api.verify(1, getRequestedFor(urlPathEqualTo(MEDIA_PATH)));
    }

    @Test
    void a_journaled_handle_is_reattached_after_a_restart_without_submitting_again() throws Exception {
        String url = serve(api, media());
        stubSuccess(url, media());
        ProviderRequest request = request(outputFile());
        JobHandle handle = jobProvider().submit(request, "contract-key-2");
        // What the journal keeps: plain strings, read back into a new handle by a new process.
        JobHandle journaled = new JobHandle(handle.provider(), handle.id(), new HashMap<>(handle.data()));

        JobProvider restarted = provider(new ContractContexts(environment(api.baseUrl()), dir.resolve("home"))
                .context(), CALL_TIMEOUT);
        JobStatus status = restarted.poll(journaled);
        restarted.fetch(journaled, request);

        assertThat(status).isInstanceOf(JobStatus.Succeeded.class);
        assertThat(outputFile()).hasBinaryContent(mediaKind().bytes());
        assertThat(paidCallsReceived()).isEqualTo(1);
    }

    @Test
    void a_submission_whose_answer_is_lost_is_never_sent_twice() {
        stubPrerequisites();
        api.stubFor(paidCall().willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        JobProvider provider = jobProvider();
        ProviderRequest request = request(outputFile());

        ProviderException e = providerFailure(() -> provider.submit(request, "contract-key-3"));

        if (provider.idempotentSubmit(request)) {
            // The engine may submit again with the same key: the provider makes that one job.
            assertThat(e.kind()).isIn(ErrorKind.UNKNOWN_OUTCOME, ErrorKind.TRANSIENT, ErrorKind.TIMEOUT);
        } else {
            assertThat(e.kind()).isEqualTo(ErrorKind.UNKNOWN_OUTCOME);
            assertThat(e.retryable()).isFalse();
            assertThat(paidCallsReceived()).isEqualTo(1);
        }
        assertUserMessage(e);
        assertNothingLeft();
    }

    @Test
    void a_rate_limited_poll_waits_as_long_as_asked_and_goes_on() throws Exception {
        String url = serve(api, media());
        stubSuccess(url, media());
        api.stubFor(statusCall().inScenario("busy").whenScenarioStateIs(STARTED)
                .willReturn(error(429).withHeader("Retry-After", "3")).willSetStateTo("free"));
        api.stubFor(statusCall().inScenario("busy").whenScenarioStateIs("free").willReturn(done(url)));
        JobProvider provider = jobProvider();
        JobHandle handle = provider.submit(request(outputFile()), "contract-key-4");

        JobStatus status = provider.poll(handle);

        // Either the transport waited and asked again, or the poll says to come back after the wait.
        if (status instanceof JobStatus.Pending p && p.pollAfter() != null) {
            assertThat(p.pollAfter()).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
        } else {
            assertThat(status).isInstanceOf(JobStatus.Succeeded.class);
            assertThat(sleeps()).contains(Duration.ofSeconds(3));
        }
    }

    @Test
    void a_poll_answered_with_a_server_error_is_asked_again() throws Exception {
        String url = serve(api, media());
        stubSuccess(url, media());
        api.stubFor(statusCall().inScenario("flaky").whenScenarioStateIs(STARTED).willReturn(error(503))
                .willSetStateTo("ok"));
        api.stubFor(statusCall().inScenario("flaky").whenScenarioStateIs("ok").willReturn(done(url)));
        JobProvider provider = jobProvider();
        JobHandle handle = provider.submit(request(outputFile()), "contract-key-5");

        JobStatus status = provider.poll(handle);

        // A poll costs nothing and changes nothing: a failing one is asked again, not the job failed.
        assertThat(status).isNotInstanceOf(JobStatus.Failed.class);
        assertThat(paidCallsReceived()).isEqualTo(1);
    }

    // ---- cancellation --------------------------------------------------------------------------

    @Test
    void a_job_is_cancelled_with_the_documented_request_and_the_key_only_to_the_configured_origin()
            throws Exception {
        JobHandle journaled = submittedJob("contract-key-6");
        elsewhere().stubFor(com.github.tomakehurst.wiremock.client.WireMock.any(anyUrl())
                .willReturn(aResponse().withStatus(500)));
        int before = requestsSoFar();

        // Cancelled by a new process from the journal, as after a restart.
        restarted().cancel(journaled);

        switch (cancellation()) {
            case Cancellation.Request documented -> {
                List<LoggedRequest> sent = api.findAll(pattern(documented.call()));
                assertThat(sent).as("the documented cancel request").hasSize(1);
                assertThat(sent).allMatch(this::carriesKey);
                assertThat(requestsSoFar()).as("requests besides the cancel").isEqualTo(before + 1);
            }
            case Cancellation.None none -> assertThat(requestsSoFar())
                    .as("no documented cancel (%s): cancel sends nothing", none.reason()).isEqualTo(before);
        }
        assertThat(elsewhere().findAll(anyRequestedFor(anyUrl()))).noneMatch(this::carriesKey);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"server error", "connection reset", "redirect elsewhere"})
    void a_failed_cancel_is_reported_not_thrown_as_a_crash(String how) throws Exception {
        JobHandle journaled = submittedJob("contract-key-7");
        elsewhere().stubFor(com.github.tomakehurst.wiremock.client.WireMock.any(anyUrl())
                .willReturn(aResponse().withStatus(500)));
        ResponseDefinitionBuilder failing = switch (how) {
            case "server error" -> error(503);
            case "connection reset" -> aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER);
            default -> aResponse().withStatus(307).withHeader("Location", elsewhere().baseUrl() + "/cancelled");
        };
        int before = requestsSoFar();

        switch (cancellation()) {
            case Cancellation.Request documented -> {
                api.stubFor(documented.call().willReturn(failing));

                ProviderException e = providerFailure(() -> restarted().cancel(journaled));

                // Whoever cancels (the engine on Ctrl-C, a library user) gets a failure it can report.
                assertUserMessage(e);
                assertThat(api.findAll(pattern(documented.call()))).isNotEmpty().allMatch(this::carriesKey);
            }
            case Cancellation.None none -> {
                restarted().cancel(journaled);
                assertThat(requestsSoFar()).as("no documented cancel (%s): cancel sends nothing", none.reason())
                        .isEqualTo(before);
            }
        }
        assertThat(elsewhere().findAll(anyRequestedFor(anyUrl()))).noneMatch(this::carriesKey);
    }

    @Test
    void a_cancel_of_a_job_already_gone_is_not_a_failure() throws Exception {
        JobHandle journaled = submittedJob("contract-key-8");
        if (cancellation() instanceof Cancellation.Request documented) {
            api.stubFor(documented.call().willReturn(error(404)));
        }

        // A job that finished or was removed meanwhile needs no stopping: nothing to report.
        restarted().cancel(journaled);
    }

    /** A job submitted by one process, as the journal hands its handle to the next. */
    private JobHandle submittedJob(String idempotencyKey) throws Exception {
        stubSuccess(serve(api, media()), media());
        JobHandle handle = jobProvider().submit(request(outputFile()), idempotencyKey);
        return new JobHandle(handle.provider(), handle.id(), new HashMap<>(handle.data()));
    }

    private JobProvider restarted() {
        return provider(new ContractContexts(environment(api.baseUrl()), dir.resolve("home")).context(),
                CALL_TIMEOUT);
    }

    /** Every request either server received so far. */
    private int requestsSoFar() {
        return api.findAll(anyRequestedFor(anyUrl())).size() + elsewhere().findAll(anyRequestedFor(anyUrl())).size();
    }

    private static RequestPatternBuilder pattern(MappingBuilder call) {
        return RequestPatternBuilder.like(call.willReturn(aResponse()).build().getRequest());
    }
}
