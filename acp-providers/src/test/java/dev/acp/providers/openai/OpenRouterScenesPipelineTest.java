package dev.acp.providers.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.acp.providers.openai.ChatFixtures.CANARY;
import static dev.acp.providers.openai.ChatFixtures.SCENES;
import static dev.acp.providers.openai.ChatFixtures.completion;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.acp.Acp;
import dev.acp.engine.LocalEngine;
import dev.acp.engine.RunControl;
import dev.acp.engine.RunListener;
import dev.acp.engine.RunResult;
import dev.acp.engine.RunStatus;
import dev.acp.env.Environment;
import dev.acp.plan.ExecutionPlan;
import dev.acp.plan.RunSettings;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderRegistry;
import dev.acp.providers.support.SceneSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code story_to_scenes} on {@code openrouter} through the engine: an unusable answer is retried
 * within the step's {@code retry_count}, and the retry shows the model its rejected answer.
 */
final class OpenRouterScenesPipelineTest {
    private static final String PATH = "/api/v1/chat/completions";
    private static final String USAGE = "{\"prompt_tokens\": 42, \"completion_tokens\": 17, \"total_tokens\": 59,"
            + " \"cost\": 0.0012}";

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort())
            .failOnUnmatchedRequests(true).build();

    @TempDir
    Path dir;

    private Acp acp() {
        Environment env = Environment.of(Map.of("OPENROUTER_API_KEY", CANARY,
                "ACP_OPENROUTER_BASE_URL", wm.baseUrl() + "/api/v1", "ACP_HOME", dir.resolve("home").toString()));
        ProviderContext context = ProviderContext.of(env, dir.resolve("home"), Clock.systemUTC());
        return Acp.create(env, ProviderRegistry.of(context, new OpenRouterProviderFactory()),
                LocalEngine.Options.defaults(env).withSleeper(d -> { }));
    }

    private RunResult run(String retries) throws Exception {
        Path pipeline = dir.resolve("pipeline.yaml");
        Files.writeString(pipeline, """
                pipeline_name: storyboard
                output_directory: out
                steps:
                  - step_type: story_to_scenes
                    id: scenes
                    provider: openrouter
                    config: { story: "Ada keeps the lighthouse. One night a storm comes.", num_scenes: 2 }
                    output_filename: scenes.json
                """ + retries);
        Acp acp = acp();
        ExecutionPlan plan = acp.plan(pipeline, RunSettings.run(dir));
        return acp.unguardedEngine().run(plan, RunListener.NONE, new RunControl());
    }

    private static void garbageThenScenes() {
        wm.stubFor(post(urlEqualTo(PATH)).inScenario("repair").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(completion("gen-1", "openai/gpt-4o-mini", "Scene 1: a keeper. Scene 2: a storm.",
                        "stop", USAGE))).willSetStateTo("good"));
        wm.stubFor(post(urlEqualTo(PATH)).inScenario("repair").whenScenarioStateIs("good")
                .willReturn(okJson(completion("gen-2", "openai/gpt-4o-mini", SCENES, "stop", USAGE))));
    }

    @Test
    void a_garbage_answer_is_retried_once_with_the_repair_message_and_the_step_succeeds() throws Exception {
        garbageThenScenes();

        RunResult result = run("    retry_count: 1\n");

        assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(SceneSchema.parse(Files.readString(dir.resolve("out/scenes.json"))))
                .isInstanceOfSatisfying(SceneSchema.Valid.class, v -> assertThat(v.scenes()).hasSize(2));
        wm.verify(2, postRequestedFor(urlEqualTo(PATH)));
        wm.verify(1, postRequestedFor(urlEqualTo(PATH)).withRequestBody(WireMock.containing(
                "Your previous answer was not usable: the answer is not JSON")));
        wm.verify(1, postRequestedFor(urlEqualTo(PATH)).withRequestBody(WireMock.containing(
                "\"role\":\"assistant\",\"content\":\"Scene 1: a keeper. Scene 2: a storm.\"")));
    }

    @Test
    void without_retries_an_unusable_answer_fails_the_step_after_one_paid_call() throws Exception {
        garbageThenScenes();

        RunResult result = run("");

        assertThat(result.status()).isNotEqualTo(RunStatus.SUCCEEDED);
        assertThat(Files.exists(dir.resolve("out/scenes.json"))).isFalse();
        wm.verify(1, postRequestedFor(urlEqualTo(PATH)));
    }
}
