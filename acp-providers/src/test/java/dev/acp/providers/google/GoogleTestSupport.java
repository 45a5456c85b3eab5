package dev.acp.providers.google;

import dev.acp.catalog.ProviderCatalog;
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
import org.jspecify.annotations.Nullable;

/** A Google provider pointed at a WireMock server, with waits recorded instead of waited. */
final class GoogleTestSupport {
    static final String KEY = "AIzaSy-test-key-0123456789abcdef";

    final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    final Environment environment;
    final Path home;

    GoogleTestSupport(String baseUrl, Path home) {
        this(home, Map.of("GOOGLE_API_KEY", KEY, "ACP_GOOGLE_BASE_URL", baseUrl));
    }

    GoogleTestSupport(Path home, Map<String, String> env) {
        this.environment = Environment.of(new HashMap<>(env));
        this.home = home;
    }

    ProviderContext context() {
        Sleeper sleeper = sleeps::add;
        Clock clock = Clock.systemUTC();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
        HttpTransport transport = new HttpTransport(client, clock, sleeper, new Random(7),
                new RetryPolicy(Duration.ofMillis(1), Duration.ofMillis(4)));
        Governors governors = new Governors(environment, AcpConfig.empty(), clock, d -> { });
        return new ProviderContext(environment, home, clock, transport, governors, AcpConfig.empty());
    }

    /** Generous time limits (a loaded build machine is slow), with the inline limit given. */
    GoogleProvider provider(long inlineLimit) {
        Duration limit = Duration.ofSeconds(30);
        return new GoogleProvider(context(), ProviderCatalog.builtIn(), new GoogleApi.Timeouts(limit, limit, limit,
                limit, limit), sleeps::add, inlineLimit);
    }

    /** Short time limits, for the tests of timeouts (whose mock answers later than these). */
    GoogleProvider impatientProvider() {
        Duration limit = Duration.ofMillis(700);
        return new GoogleProvider(context(), ProviderCatalog.builtIn(), new GoogleApi.Timeouts(limit, limit, limit,
                limit, limit), sleeps::add, GeminiFiles.DEFAULT_INLINE_LIMIT);
    }

    GoogleProvider provider() {
        return provider(GeminiFiles.DEFAULT_INLINE_LIMIT);
    }

    static ProviderRequest request(Capability capability, @Nullable String model, Map<String, Object> parameters,
            Path output) {
        return request("step1", capability, model, parameters, output);
    }

    static ProviderRequest request(String stepId, Capability capability, @Nullable String model,
            Map<String, Object> parameters, Path output) {
        return request("run-1", stepId, capability, model, parameters, output);
    }

    /** A request of step {@code stepId} in run {@code runId}. */
    static ProviderRequest request(String runId, String stepId, Capability capability, @Nullable String model,
            Map<String, Object> parameters, Path output) {
        Map<String, Object> p = new HashMap<>(parameters);
        if (model != null) {
            p.put("model", model);
        }
        return new ProviderRequest(stepId, capability, model, p, output, new StepContext() {
            @Override
            public String runId() {
                return runId;
            }

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
