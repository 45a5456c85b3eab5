package dev.acp.server;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How {@code acp serve} was started.
 *
 * @param host the address to listen on (loopback by default)
 * @param port the port; 0 picks a free one (tests)
 * @param maxRuns runs at once; more are queued
 * @param pipelines the folder {@code pipeline_file} names resolve in, or null for none
 * @param outputRoot every run started here writes below it
 * @param maxBody the largest request body accepted, in bytes
 * @param keepAlive how often an idle event stream gets a comment, so proxies keep it and a gone client is noticed
 */
public record ServerOptions(
        String host,
        int port,
        int maxRuns,
        @Nullable Path pipelines,
        Path outputRoot,
        long maxBody,
        Duration keepAlive) {

    public static final long DEFAULT_MAX_BODY = 1024 * 1024;

    public ServerOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(outputRoot, "outputRoot");
        if (maxRuns < 1) {
            throw new IllegalArgumentException("--max-runs must be at least 1");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be between 0 and 65535");
        }
    }

    /** Loopback, port 8080, two runs at once, outputs under {@code outputRoot}. */
    public static ServerOptions defaults(Path outputRoot) {
        return new ServerOptions("127.0.0.1", 8080, 2, null, outputRoot, DEFAULT_MAX_BODY, Duration.ofSeconds(15));
    }

    public ServerOptions withPort(int value) {
        return new ServerOptions(host, value, maxRuns, pipelines, outputRoot, maxBody, keepAlive);
    }

    public ServerOptions withHost(String value) {
        return new ServerOptions(value, port, maxRuns, pipelines, outputRoot, maxBody, keepAlive);
    }

    public ServerOptions withMaxRuns(int value) {
        return new ServerOptions(host, port, value, pipelines, outputRoot, maxBody, keepAlive);
    }

    public ServerOptions withPipelines(@Nullable Path value) {
        return new ServerOptions(host, port, maxRuns, value, outputRoot, maxBody, keepAlive);
    }

    public ServerOptions withMaxBody(long value) {
        return new ServerOptions(host, port, maxRuns, pipelines, outputRoot, value, keepAlive);
    }

    public ServerOptions withKeepAlive(Duration value) {
        return new ServerOptions(host, port, maxRuns, pipelines, outputRoot, maxBody, value);
    }

    /** Whether the address is loopback only (127.0.0.0/8, ::1, localhost). */
    public boolean loopback() {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
