package dev.acp.temporal;

import io.temporal.testserver.TestServer;

/**
 * Temporal's standalone test server on loopback, for trying the distributed engine on one
 * machine. It keeps everything in memory: a restart forgets every run it had.
 */
public final class DevServer implements AutoCloseable {
    private final TestServer.PortBoundTestServer server;

    private DevServer(TestServer.PortBoundTestServer server) {
        this.server = server;
    }

    /** Listens on {@code port} (the real service's port is 7233). */
    public static DevServer start(int port) {
        return new DevServer(TestServer.createPortBoundServer(port));
    }

    @Override
    public void close() {
        server.close();
    }
}
