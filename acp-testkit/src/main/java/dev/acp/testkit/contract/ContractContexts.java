package dev.acp.testkit.contract;

import dev.acp.config.AcpConfig;
import dev.acp.env.Environment;
import dev.acp.http.Governors;
import dev.acp.http.HttpTransport;
import dev.acp.provider.ProviderContext;
import dev.acp.util.RetryPolicy;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Provider contexts for the contract suite: the given environment, a transport that records the
 * waits it asks for (backoff, Retry-After) instead of waiting, and governors that never wait. A
 * new instance is a new process as far as a provider can tell: a restart.
 */
public final class ContractContexts {
    /** Every wait the transport asked for, in order. */
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    private final Environment environment;
    private final Path home;

    public ContractContexts(Map<String, String> environment, Path home) {
        this.environment = Environment.of(environment);
        this.home = home;
    }

    public ProviderContext context() {
        Clock clock = Clock.systemUTC();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
        HttpTransport transport = new HttpTransport(client, clock, sleeps::add, new Random(7),
                new RetryPolicy(Duration.ofMillis(1), Duration.ofMillis(4)));
        Governors governors = new Governors(environment, AcpConfig.empty(), clock, d -> { });
        return new ProviderContext(environment, home, clock, transport, governors, AcpConfig.empty());
    }

    /** The waits asked for so far. */
    public List<Duration> sleeps() {
        return List.copyOf(sleeps);
    }
}
