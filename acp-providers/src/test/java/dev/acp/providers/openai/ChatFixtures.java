package dev.acp.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.acp.config.AcpConfig;
import dev.acp.util.RetryPolicy;
import dev.acp.env.Environment;
import dev.acp.http.Governors;
import dev.acp.http.HttpTransport;
import dev.acp.pipeline.Capability;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.StepContext;
import dev.acp.providers.support.Json;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/** What the chat contract tests share: a context whose transport never sleeps, requests, answers. */
final class ChatFixtures {
    /** A key that must be sent to the server and must appear nowhere else. */
    static final String CANARY = "sk-canary-7f3c9e1d2b4a6c8e0f1a3b5d7e9c1a2b";
    /** 2026-03-01T12:00:00Z, a Sunday; Retry-After dates are written against it. */
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);

    private ChatFixtures() {}

    static ProviderContext context(Map<String, String> env, Path home) {
        Environment environment = Environment.of(env);
        HttpTransport transport = new HttpTransport(
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(), CLOCK, d -> {},
                RandomGenerator.getDefault(), new RetryPolicy(Duration.ZERO, Duration.ZERO));
        return new ProviderContext(environment, home, CLOCK, transport,
                new Governors(environment, AcpConfig.empty(), CLOCK, d -> {}), AcpConfig.empty());
    }

    static ProviderRequest request(Capability capability, String model, Map<String, Object> params, Path dir) {
        return new ProviderRequest("step_1", capability, model, params, dir.resolve("step_1.tmp.txt"),
                new StepContext() {
                    @Override
                    public Path scratchDirectory() {
                        return dir;
                    }

                    @Override
                    public void progress(double fraction, String message) {}
                });
    }

    /** A chat.completion answer with {@code content}, {@code finish} and the given usage (or none). */
    static String completion(String id, String model, String content, String finish, String usageJson) {
        ObjectNode root = Json.MAPPER.createObjectNode().put("id", id).put("object", "chat.completion")
                .put("created", 1_772_366_400).put("model", model);
        ObjectNode choice = root.putArray("choices").addObject().put("index", 0).put("finish_reason", finish);
        choice.putObject("message").put("role", "assistant").put("content", content);
        if (!usageJson.isEmpty()) {
            root.set("usage", json(usageJson));
        }
        return root.toString();
    }

    static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The bodies of the requests the server received, oldest first. */
    static List<JsonNode> sentBodies(WireMockExtension server) {
        return events(server).stream().map(e -> json(e.getRequest().getBodyAsString())).toList();
    }

    static List<ServeEvent> events(WireMockExtension server) {
        return server.getAllServeEvents().reversed();
    }

    static final String SCENES = """
            {"scenes": [
              {"title": "The Keeper Wakes", "description": "An old keeper climbs the lighthouse stairs at dawn.",
               "image_prompt": "an old lighthouse keeper on spiral stairs, dawn light, watercolor",
               "narration": "Every morning, Ada climbed the hundred steps.", "duration": 6},
              {"title": "The Storm", "description": "A storm hits the coast and a ship struggles.",
               "image_prompt": "a small ship in a violent storm near a lighthouse, night, watercolor",
               "narration": "That night, the sea rose against the rocks.", "duration": "7.5",
               "mood": "tense"}
            ]}""";
}
