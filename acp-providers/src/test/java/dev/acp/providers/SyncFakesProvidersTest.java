package dev.acp.providers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.pipeline.Capability;
import dev.acp.provider.Provider;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderFactory;
import dev.acp.provider.ProviderResult;
import dev.acp.providers.elevenlabs.ElevenLabsProviderFactory;
import dev.acp.providers.google.GoogleProviderFactory;
import dev.acp.providers.openai.OpenAiProviderFactory;
import dev.acp.providers.openai.OpenRouterProviderFactory;
import dev.acp.providers.support.SceneSchema;
import dev.acp.testkit.sync.BilledRequest;
import dev.acp.testkit.sync.FakeSyncServer;
import dev.acp.testkit.sync.HistoryItem;
import java.awt.image.BufferedImage;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real providers pointed at {@link FakeSyncServer} by nothing but its
 * {@link FakeSyncServer#environment()}, as a crash test points an {@code acp} process at it:
 * each accepts the fake's answers unchanged, and the fake bills each step once.
 */
@Timeout(60)
final class SyncFakesProvidersTest {
    @TempDir
    Path dir;

    private FakeSyncServer server;
    private ProviderContext context;

    @BeforeEach
    void start() {
        server = FakeSyncServer.start();
        context = new MockedContexts(server.environment(), dir.resolve("home")).context();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void one_step_of_each_provider_is_answered_and_billed_once() throws Exception {
        Map<String, Object> idea = Map.of("prompt", "a lighthouse keeper's last night", "style", "cinematic");
        ProviderResult openRouter = run(new OpenRouterProviderFactory(), Capability.PROMPT_GENERATION, idea, "idea1.txt");
        ProviderResult openAi = run(new OpenAiProviderFactory(), Capability.PROMPT_GENERATION, idea, "idea2.txt");
        ProviderResult google = run(new GoogleProviderFactory(), Capability.PROMPT_GENERATION, idea, "idea3.txt");
        ProviderResult speech = run(new ElevenLabsProviderFactory(), Capability.TEXT_TO_SPEECH,
                Map.of("text", "The lamp is lit for the last time.", "voice", "Rachel"), "narration.mp3");

        for (ProviderResult r : List.of(openRouter, openAi, google)) {
            assertThat(r.text()).startsWith("a lighthouse keeper's last night, cinematic style");
        }
        List<BilledRequest> bills = server.records();
        assertThat(bills).extracting(BilledRequest::provider).containsExactly(FakeSyncServer.Provider.OPENROUTER,
                FakeSyncServer.Provider.OPENAI, FakeSyncServer.Provider.GOOGLE, FakeSyncServer.Provider.ELEVENLABS);
        assertThat(server.billedTwice()).isEmpty();
        assertThat(bills).extracting(BilledRequest::path).containsExactly(
                "/openrouter/api/v1/chat/completions",
                "/openai/v1/chat/completions",
                "/google/v1beta/models/gemini-2.5-flash:generateContent",
                "/elevenlabs/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM?output_format=mp3_44100_128");
        // Each provider reports the id the fake billed under.
        for (int i = 0; i < 4; i++) {
            ProviderResult r = List.of(openRouter, openAi, google, speech).get(i);
            assertThat(r.requestIds()).as(bills.get(i).provider().name()).containsExactly(bills.get(i).requestId());
        }
        // OpenRouter states the cost it billed; a loopback OpenAI-compatible server counts as free in ACP.
        assertThat(openRouter.actualCost()).isEqualByComparingTo(bills.get(0).amount());
        assertThat(openAi.actualCost()).isEqualByComparingTo(BigDecimal.ZERO);
        assertThat(bills.get(1).amount()).isPositive();

        HistoryItem item = server.history().getFirst();
        assertThat(speech.metadata()).containsEntry("characters_billed", 34L)
                .containsEntry("history_item_id", item.historyItemId())
                .containsEntry("voice_id", "21m00Tcm4TlvDq8ikWAM");
        assertThat(item.characterCost()).isEqualTo(34);
        assertThat(Files.readAllBytes(dir.resolve("narration.mp3"))).startsWith('I', 'D', '3');
    }

    @Test
    void json_and_image_steps_get_answers_acp_accepts() throws Exception {
        String story = "The keeper climbs the stair. The lamp flickers in the wind. A ship turns for home."
                + " Dawn breaks over a calm sea.";
        Map<String, Object> scenes = Map.of("story", story, "num_scenes", 3, "style", "watercolor");
        ProviderResult openRouter = run(new OpenRouterProviderFactory(), Capability.STORY_TO_SCENES, scenes, "s1.json");
        ProviderResult google = run(new GoogleProviderFactory(), Capability.STORY_TO_SCENES, scenes, "s2.json");
        ProviderResult variants = run(new OpenAiProviderFactory(), Capability.PROMPT_GENERATION,
                Map.of("prompt", "a red kite", "count", 3), "v.txt");
        Path image = dir.resolve("still.png");
        ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "png", image.toFile());
        ProviderResult described = run(new GoogleProviderFactory(), Capability.IMAGE_UNDERSTANDING,
                Map.of("image", image.toString()), "d.txt");

        for (ProviderResult r : List.of(openRouter, google)) {
            SceneSchema.Parsed parsed = SceneSchema.parse(r.text());
            assertThat(parsed).isInstanceOf(SceneSchema.Valid.class);
            SceneSchema.Valid valid = (SceneSchema.Valid) parsed;
            assertThat(valid.scenes()).hasSize(3);
            assertThat(valid.dropped()).isEmpty();
            assertThat(valid.notes()).isEmpty();
            assertThat(valid.scenes().getFirst().imagePrompt()).startsWith("watercolor style");
        }
        assertThat(variants.metadata()).containsEntry("count", 3);
        assertThat(variants.text().lines()).hasSize(3).allMatch(l -> l.matches("\\d\\. a red kite.*"));
        assertThat(described.text()).startsWith("The image shows");
        assertThat(server.billedCount()).isEqualTo(4);
        assertThat(server.billedTwice()).isEmpty();
    }

    private ProviderResult run(ProviderFactory factory, Capability capability, Map<String, Object> parameters,
            String output) throws Exception {
        Provider provider = factory.create(context);
        return provider.execute(MockedContexts.request(capability, null, parameters, dir.resolve(output)));
    }
}
