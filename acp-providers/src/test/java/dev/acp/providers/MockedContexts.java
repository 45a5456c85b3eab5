package dev.acp.providers;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A provider context for contract tests against a mock server: the given environment, a
 * transport that records its waits instead of waiting, and governors that never wait.
 */
public final class MockedContexts {
    /** Every wait the transport asked for (backoff, Retry-After). */
    public final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    public final Environment environment;
    public final Path home;
    public Governors governors;

    public MockedContexts(Map<String, String> env, Path home) {
        this.environment = Environment.of(env);
        this.home = home;
    }

    public ProviderContext context() {
        Clock clock = Clock.systemUTC();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
        HttpTransport transport = new HttpTransport(client, clock, sleeps::add, new Random(7),
                new RetryPolicy(Duration.ofMillis(1), Duration.ofMillis(4)));
        governors = new Governors(environment, AcpConfig.empty(), clock, d -> { });
        return new ProviderContext(environment, home, clock, transport, governors, AcpConfig.empty());
    }

    /** A request as the engine makes it: the model also among the parameters, progress ignored. */
    public static ProviderRequest request(Capability capability, String model, Map<String, Object> parameters,
            Path output) {
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
