package dev.acp.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.acp.Acp;
import dev.acp.health.HealthChecks;
import dev.acp.metrics.PrometheusText;
import dev.acp.run.RunService;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * {@code acp serve}: the JDK's HTTP server, one virtual thread per request, the REST API mounted
 * on a {@link Router} that other features extend ({@link #router()}: metrics, health checks, the
 * web page). Runs are started through the given {@link Acp} (one per server, so provider
 * governors are shared by all runs) and journaled under its {@code ACP_HOME/runs} like any other.
 *
 * <pre>{@code
 * try (AcpServer server = AcpServer.start(Acp.create(env), ServerOptions.defaults(out), token, log::println)) {
 *     server.awaitStop();
 * }
 * }</pre>
 */
public final class AcpServer implements AutoCloseable {
    /**
     * How long a stop waits for running runs to reach a resumable state: inside the 10 seconds
     * {@code docker stop} gives before it kills, with room for the listener to close.
     */
    public static final java.time.Duration STOP_GRACE = java.time.Duration.ofSeconds(8);

    private final HttpServer http;
    private final ExecutorService executor;
    private final Router router;
    private final ServerRuns runs;
    private final ServerOptions options;

    private AcpServer(HttpServer http, ExecutorService executor, Router router, ServerRuns runs, ServerOptions options) {
        this.http = http;
        this.executor = executor;
        this.router = router;
        this.runs = runs;
        this.options = options;
    }

    /**
     * Binds and starts serving. {@code log} receives what an operator should see (a request that
     * failed inside the server, never a secret).
     */
    public static AcpServer start(Acp acp, ServerOptions options, ServerToken token, Consumer<String> log)
            throws IOException {
        Objects.requireNonNull(acp, "acp");
        Clock clock = acp.engineOptions().clock();
        // Every run the server starts is measured for /metrics (seed metrics at zero from start-up).
        PrometheusText metrics = PrometheusText.create(acp.registry().factories().stream()
                .map(dev.acp.provider.ProviderFactory::id).toList());
        Acp measured = acp.withMetrics(metrics.metrics());
        Files.createDirectories(options.outputRoot());
        // Submitted pipelines read only the environment variables config.yaml lists, and only the
        // files of the pipelines folder and the output root: what a step reads may go to a provider.
        java.util.List<Path> readable = options.pipelines() == null ? java.util.List.of(options.outputRoot())
                : java.util.List.of(options.pipelines(), options.outputRoot());
        Acp served = measured.onlyListedTemplateVariables().readingOnlyWithin(readable,
                options.pipelines() == null ? "the server's output root" : "the server's pipelines folder and"
                        + " output root");
        ObjectMapper json = new ObjectMapper();
        Router router = new Router(json, new AccessGuard(token.value(), options.loopback()), options.maxBody(),
                served.secrets(), log);
        QueuedRuns queued = new QueuedRuns(served.acpHome().resolve("server").resolve("queued"), json, log);
        ServerRuns runs = new ServerRuns(options.maxRuns(), 200, clock, log, metrics.metrics(), queued,
                r -> ApiRoutes.runner(served, options, r));
        Pipelines pipelines = new Pipelines(served, options.outputRoot().toAbsolutePath(), options.pipelines());
        dev.acp.run.RunStore store = new RunService(served).store();
        RunViews views = new RunViews(store, runs, json, clock);
        new ApiRoutes(served, pipelines, runs, views, new EventStream(json, options.keepAlive()), options).mount(router);
        WebPage.load(new StreamTickets(new java.security.SecureRandom(), clock)).mount(router);
        new ObservabilityRoutes(metrics, HealthChecks.of(measured, true)).mount(router);
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(options.host(), options.port()), 0);
        } catch (IOException e) {
            runs.close();
            throw new IOException("cannot listen on " + options.host() + ":" + options.port() + " (" + e.getMessage()
                    + "); choose another --port, or stop what uses it", e);
        }
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        http.setExecutor(executor);
        http.createContext("/", router);
        http.start();
        // Only now that it listens: a server that cannot start must not start what it had queued.
        int restored;
        try {
            restored = runs.restore(id -> store.exact(id).isPresent());
        } catch (IOException e) {
            restored = 0;
            log.accept("cannot read the runs queued when the server stopped (" + e.getMessage() + "); they are in "
                    + served.acpHome().resolve("server").resolve("queued"));
        }
        if (restored > 0) {
            log.accept(restored + (restored == 1 ? " run" : " runs") + " queued when the server stopped "
                    + (restored == 1 ? "is" : "are") + " queued again (cancel with POST /api/runs/{id}/cancel)");
        }
        return new AcpServer(http, executor, router, runs, options);
    }

    /** Where routes are added: {@code /metrics}, {@code /health/*}, the web page. */
    public Router router() {
        return router;
    }

    /** The address it listens on, for example {@code http://127.0.0.1:8080}. */
    public URI uri() {
        InetSocketAddress a = http.getAddress();
        String host = a.getAddress().getHostAddress();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort());
    }

    public ServerOptions options() {
        return options;
    }

    /**
     * Stops: no run is accepted (503) or started any more; running runs are cancelled as with
     * Ctrl-C and given up to {@link #STOP_GRACE} to reach a resumable state (their journals resume them,
     * from {@code acp pipeline run --resume} or {@code POST /api/runs/{id}/resume}); queued runs
     * stay recorded and are queued again at the next start; then open event streams end and the
     * listener closes.
     */
    @Override
    public void close() {
        runs.close(STOP_GRACE);
        http.stop(1);
        executor.shutdownNow();
    }
}
