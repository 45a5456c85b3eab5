package dev.acp.temporal;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Temporal's standalone test server on loopback, for trying the distributed engine on one
 * machine. It keeps everything in memory: a restart forgets every run it had.
 *
 * <p>Assembled as {@code TestServer.createPortBoundServer} does it, with one difference: it does
 * not offer sticky execution ({@link NoStickyQueues}), because the test server never takes a task
 * back from a lost worker's sticky queue and a run that lost a worker would hang. (The classes are
 * the test server's internals, public but unsupported: checked again when Temporal's version changes.)
 */
public final class DevServer implements AutoCloseable {
    private final TestServicesStarter services;
    private final Server server;

    private DevServer(TestServicesStarter services, Server server) {
        this.services = services;
        this.server = server;
    }

    /** Listens on {@code port} (the real service's port is 7233). */
    public static DevServer start(int port) {
        // Time skipping locked: timers and timeouts run on the wall clock, as on a real server.
        TestServicesStarter services = new TestServicesStarter(true, 0);
        try {
            // Loopback only: the test server has no authentication, so nothing beyond this machine
            // may start, read or cancel runs on it.
            ServerBuilder<?> builder = NettyServerBuilder.forAddress(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), port), InsecureServerCredentials.create());
            GRPCServerHelper.registerServicesAndHealthChecks(services.getServices(), builder,
                    List.of(new NoStickyQueues()));
            return new DevServer(services, builder.build().start());
        } catch (IOException e) {
            services.close();
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
        services.close();
    }
}
