package dev.acp.providers.elevenlabs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.Acp;
import dev.acp.engine.LocalEngine;
import dev.acp.engine.RunStatus;
import dev.acp.engine.StepResult;
import dev.acp.engine.StepStatus;
import dev.acp.env.Environment;
import dev.acp.error.ErrorKind;
import dev.acp.provider.Provider;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderFactory;
import dev.acp.provider.ProviderRegistry;
import dev.acp.providers.openai.OpenRouterProviderFactory;
import dev.acp.run.RunHandle;
import dev.acp.run.RunOutcome;
import dev.acp.run.Runner;
import dev.acp.testkit.sync.FakeSyncServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run stopped while a paid synchronous answer was on its way, then resumed through the one
 * run path: ElevenLabs' speech is found in its history and kept, billed once; a request that never
 * reached ElevenLabs is sent; an OpenRouter answer, which cannot be looked up, is an unknown
 * outcome until the user asks to send it again, and is then reported as a possible duplicate.
 */
@Timeout(120)
final class LostAnswerResumeTest {
    @TempDir
    Path dir;

    private FakeSyncServer server;
    private Acp acp;

    @BeforeEach
    void start() {
        server = FakeSyncServer.start();
        Map<String, String> env = new HashMap<>(server.environment());
        env.put("ACP_HOME", dir.resolve("home").toString());
        Environment e = Environment.of(env);
        ProviderContext context = ProviderContext.of(e, dir.resolve("home"), Clock.systemUTC());
        // ElevenLabs without the grace a real resume waits for speech still in the making.
        ProviderFactory elevenlabs = new ProviderFactory() {
            @Override
            public String id() {
                return ElevenLabsProvider.ID;
            }

            @Override
            public Set<dev.acp.pipeline.Capability> capabilities() {
                return Set.of(dev.acp.pipeline.Capability.TEXT_TO_SPEECH);
            }

            @Override
            public List<String> credentialVariables() {
                return List.of(ElevenLabsProvider.CREDENTIAL);
            }

            @Override
            public Provider create(ProviderContext c) {
                return new ElevenLabsProvider(c, ElevenLabsProvider.SPEECH_TIMEOUT, Duration.ZERO);
            }
        };
        acp = Acp.create(e, ProviderRegistry.of(context, elevenlabs, new OpenRouterProviderFactory()),
                LocalEngine.Options.defaults(e).withCancelGrace(Duration.ofSeconds(10)));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Path pipeline(String step) throws Exception {
        return Files.writeString(dir.resolve("p.yaml"), """
                pipeline_name: lost
                output_directory: out
                steps:
                """ + step);
    }

    /** Starts a run, cancels it once the fake has billed the held request, and returns its id. */
    private String stoppedWhileAnswerWasHeld(Path pipeline) throws Exception {
        RunHandle handle = Runner.newRun(acp, pipeline, dir).yes(true).start();
        assertThat(server.awaitBilled(1, Duration.ofSeconds(20))).isTrue();
        handle.cancel();
        RunOutcome stopped = handle.await();
        assertThat(stopped.result().status()).isEqualTo(RunStatus.INTERRUPTED);
        assertThat(stopped.result().steps().get(0).metadata()).containsKey("submission_unanswered");
        return handle.runId();
    }

    private static StepResult only(RunOutcome o) {
        return o.result().steps().get(0);
    }

    @Test
    void speech_billed_before_the_run_stopped_is_taken_from_the_history_not_made_again() throws Exception {
        Path p = pipeline("  - { id: say, step_type: text_to_speech, provider: elevenlabs, config: { text: \"The lamp"
                + " is lit for the last time.\", voice: Rachel }, output_filename: say.mp3 }\n");
        server.when(FakeSyncServer.Provider.ELEVENLABS, "The lamp is lit").holdAnswer(Duration.ofSeconds(60));
        String runId = stoppedWhileAnswerWasHeld(p);

        RunOutcome resumed = Runner.resume(acp, runId, dir).run();
        StepResult say = only(resumed);
        assertThat(say.status()).as(String.valueOf(say.error())).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(say.metadata()).containsEntry("recovered_from", "ElevenLabs history")
                .containsEntry("recovered_after_restart", true).containsEntry("cost_source", "computed");
        assertThat(server.billedCount()).isEqualTo(1);
        assertThat(server.billedTwice()).isEmpty();
        byte[] fromHistory = Files.readAllBytes(say.outputPath());
        assertThat(fromHistory).isNotEmpty();
        // Credits of the history item (34 characters, 1 credit each) at the assumed price of a credit.
        assertThat(say.actualCost()).isEqualByComparingTo(new java.math.BigDecimal("34").multiply(
                new java.math.BigDecimal("0.0003")));
    }

    @Test
    void a_request_that_never_reached_elevenlabs_is_sent_on_resume() throws Exception {
        Path p = pipeline("  - { id: say, step_type: text_to_speech, provider: elevenlabs, config: { text: \"Gulls"
                + " circle the rock.\", voice: Rachel }, output_filename: say.mp3 }\n");
        // The connection closes without an answer and without billing: the outcome is unknown to ACP.
        server.when(FakeSyncServer.Provider.ELEVENLABS, "Gulls circle").resetBeforeAnswer(1);
        RunOutcome first = Runner.newRun(acp, p, dir).yes(true).run();
        assertThat(only(first).error().kind()).isEqualTo(ErrorKind.UNKNOWN_OUTCOME);
        assertThat(server.billedCount()).isZero();

        RunOutcome resumed = Runner.resume(acp, first.runId(), dir).run();
        assertThat(only(resumed).status()).as(String.valueOf(only(resumed).error())).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(only(resumed).metadata()).doesNotContainKey("recovered_from");
        assertThat(server.billedCount()).isEqualTo(1);
    }

    @Test
    void an_answer_that_cannot_be_looked_up_is_unknown_until_the_user_asks_to_send_it_again() throws Exception {
        Path p = pipeline("  - { id: idea, step_type: prompt_generation, provider: openrouter, config: { prompt: \"a"
                + " keeper's last night\" }, output_filename: idea.txt }\n");
        server.when(FakeSyncServer.Provider.OPENROUTER, "keeper's last night").holdAnswer(Duration.ofSeconds(60));
        String runId = stoppedWhileAnswerWasHeld(p);

        RunOutcome again = Runner.resume(acp, runId, dir).run();
        StepResult idea = only(again);
        assertThat(idea.status()).isEqualTo(StepStatus.FAILED);
        assertThat(idea.error().kind()).isEqualTo(ErrorKind.UNKNOWN_OUTCOME);
        assertThat(idea.error().message()).contains("may have been billed").contains("--resend-unknown");
        assertThat(server.billedCount()).as("never sent again on its own").isEqualTo(1);
        // Still unknown on the next resume: nothing forgets it.
        assertThat(only(Runner.resume(acp, runId, dir).run()).error().kind()).isEqualTo(ErrorKind.UNKNOWN_OUTCOME);
        assertThat(server.billedCount()).isEqualTo(1);

        RunOutcome resent = Runner.resume(acp, runId, dir).resendUnknown(true).run();
        StepResult sent = only(resent);
        assertThat(sent.status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(sent.metadata()).containsEntry("possible_duplicate", true);
        assertThat(server.billedCount()).as("sent again because the user asked").isEqualTo(2);
        // The possible first charge is on the ledger of the run, with the second.
        assertThat(resent.extras().spent()).isGreaterThan(sent.actualCost().subtract((java.math.BigDecimal)
                sent.metadata().get("possible_duplicate_cost")));
        assertThat(resent.reportJson()).contains("\"possible_duplicate\" : true");
    }
}
