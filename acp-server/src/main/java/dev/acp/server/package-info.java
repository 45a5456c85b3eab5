/**
 * ACP as a service ({@code acp serve}): a REST API with server-sent events on the JDK's HTTP
 * server and virtual threads. Every run goes through the library's one run path
 * ({@link dev.acp.run.Runner}), so a run started here is the run {@code acp runs list} shows and
 * either side can resume. {@link dev.acp.server.AcpServer} is the entry point; other features
 * (metrics, health checks, the web page) mount their routes on its {@link dev.acp.server.Router}.
 */
@NullMarked
package dev.acp.server;

import org.jspecify.annotations.NullMarked;
