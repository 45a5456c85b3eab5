package dev.acp.providers.fal;

import dev.acp.config.AcpConfig;
import dev.acp.util.RetryPolicy;
import dev.acp.util.Sleeper;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

/** A fal provider pointed at a WireMock server, with a transport that records its waits instead of waiting. */
final class FalTestSupport {
    static final String KEY = "fal-test-key-0123456789:secret-abcdef";

    final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    /** What the governors made requests wait (rate slots, Retry-After pauses), recorded instead of waited. */
    final List<Duration> governorSleeps = new CopyOnWriteArrayList<>();
    final Environment environment;
    final Path home;
    Governors governors;

    FalTestSupport(String baseUrl, Path home) {
        this(baseUrl, home, Map.of());
    }

    FalTestSupport(String baseUrl, Path home, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of(
                "FAL_KEY", KEY,
                "ACP_FAL_BASE_URL", baseUrl,
                "ACP_FAL_STORAGE_BASE_URL", baseUrl + "/rest"));
        env.putAll(extra);
        this.environment = Environment.of(env);
        this.home = home;
    }

    ProviderContext context() {
        Sleeper sleeper = sleeps::add;
        Clock clock = Clock.systemUTC();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
        HttpTransport transport = new HttpTransport(client, clock, sleeper, new Random(7),
                new RetryPolicy(Duration.ofMillis(1), Duration.ofMillis(4)));
        governors = new Governors(environment, AcpConfig.empty(), clock, governorSleeps::add);
        return new ProviderContext(environment, home, clock, transport, governors, AcpConfig.empty());
    }

    /** A provider with short poll timeouts, so that a timeout test does not wait long. */
    FalProvider provider() {
        return new FalProvider(context(), new FalProvider.Timeouts(Duration.ofSeconds(10), Duration.ofMillis(500),
                Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(10)));
    }

    static ProviderRequest request(Capability capability, String model, Map<String, Object> parameters, Path output) {
        Map<String, Object> p = new HashMap<>(parameters);
        if (model != null) {
            p.put("model", model);
        }
        return new ProviderRequest("step1", capability, model, p, output, new StepContext() {
            @Override
            public Path scratchDirectory() {
                return output.getParent();
            }

            @Override
            public void progress(double fraction, String message) {
                // not needed
            }
        });
    }
}
