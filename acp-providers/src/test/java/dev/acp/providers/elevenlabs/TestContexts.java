package dev.acp.providers.elevenlabs;

import dev.acp.config.AcpConfig;
import dev.acp.util.RetryPolicy;
import dev.acp.env.Environment;
import dev.acp.http.Governors;
import dev.acp.http.HttpTransport;
import dev.acp.pipeline.Capability;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.StepContext;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/** Provider contexts whose transport and governors never sleep, and step contexts that record progress. */
final class TestContexts {
    /** A key that must never show up in a message, metadata or result. */
    static final String CANARY_KEY = "sk_canary_7f3e9b2a41d5c8e6f0a1";

    private TestContexts() {}

    static ProviderContext context(Path home, Map<String, String> variables) {
        Environment env = Environment.of(variables);
        Clock clock = Clock.systemUTC();
        HttpTransport transport = new HttpTransport(
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(), clock, d -> {},
                RandomGenerator.getDefault(), new RetryPolicy(Duration.ZERO, Duration.ZERO));
        return new ProviderContext(env, home, clock, transport, new Governors(env, AcpConfig.empty(), clock, d -> {}),
                AcpConfig.empty());
    }

    /** A context with the canary key and the base URL pointing at {@code baseUrl}. */
    static ProviderContext context(Path home, String baseUrl) {
        return context(home, Map.of("ELEVENLABS_API_KEY", CANARY_KEY, "ACP_ELEVENLABS_BASE_URL", baseUrl));
    }

    static ProviderRequest request(Path folder, String fileName, Map<String, Object> parameters) {
        Object model = parameters.get("model");
        return new ProviderRequest("narration", Capability.TEXT_TO_SPEECH, model == null ? null : model.toString(),
                parameters, folder.resolve(fileName), new RecordingStepContext(folder.resolve("scratch")));
    }

    /** Records what a provider reports. */
    static final class RecordingStepContext implements StepContext {
        private final Path scratch;
        final List<String> messages = Collections.synchronizedList(new ArrayList<>());

        RecordingStepContext(Path scratch) {
            this.scratch = scratch;
        }

        @Override
        public Path scratchDirectory() {
            return scratch;
        }

        @Override
        public void progress(double fraction, String message) {
            messages.add(message);
        }
    }
}
