package dev.acp.cli;

import dev.acp.Acp;
import dev.acp.error.UsageException;
import dev.acp.server.AcpServer;
import dev.acp.server.ServerOptions;
import dev.acp.server.ServerToken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code acp serve}: the REST API and event streams, until Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve the REST API (described at /api/openapi.json) and live run events. Runs started here"
                + " are journaled under ACP_HOME/runs like any other: 'acp runs list' shows them and either side can"
                + " resume them. Routes that change anything need 'Authorization: Bearer <token>' (the token is made"
                + " on first start in ACP_HOME/server-token); on an address other than loopback every route does.")
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "The address to listen on (default: ${DEFAULT-VALUE}, this machine only).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080", description = "The port (default:"
            + " ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--max-runs", paramLabel = "N", defaultValue = "2", description = "Runs at once; more wait in"
            + " a queue (default: ${DEFAULT-VALUE}).")
    int maxRuns;

    @Option(names = "--pipelines", paramLabel = "DIR", description = "A folder of pipeline files that clients may"
            + " start by name ('pipeline_file').")
    Path pipelines;

    @Option(names = "--output-root", paramLabel = "DIR", defaultValue = "acp-output", description = "Every run"
            + " started here writes below this folder (default: ${DEFAULT-VALUE}).")
    Path outputRoot;

    @Option(names = "--max-body", paramLabel = "BYTES", defaultValue = "1048576", description = "The largest"
            + " request body accepted (default: ${DEFAULT-VALUE}); larger ones get 413.")
    long maxBody;

    private final CliContext context;

    ServeCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (maxRuns < 1) {
            throw new UsageException("--max-runs must be at least 1");
        }
        if (port < 0 || port > 65535) {
            throw new UsageException("--port must be between 0 and 65535");
        }
        if (maxBody < 1024) {
            throw new UsageException("--max-body must be at least 1024 bytes");
        }
        Path pipelineFolder = pipelines == null ? null : context.workingDirectory().resolve(pipelines);
        if (pipelineFolder != null && !Files.isDirectory(pipelineFolder)) {
            throw new UsageException("--pipelines " + pipelines + " is not a folder; name the folder of your pipeline"
                    + " files");
        }
        Acp acp = context.acp();
        ServerToken token = ServerToken.loadOrCreate(acp.acpHome(), new SecureRandom());
        ServerOptions options = new ServerOptions(host, port, maxRuns, pipelineFolder,
                context.workingDirectory().resolve(outputRoot).toAbsolutePath().normalize(), maxBody,
                Duration.ofSeconds(15));
        CountDownLatch stop = new CountDownLatch(1);
        try (AcpServer server = AcpServer.start(acp, options, token, line -> context.err().println("acp: " + line));
                AutoCloseable ignored = context.interrupts().onInterrupt(stop::countDown)) {
            context.err().println("acp: serving " + server.uri() + " (API described at " + server.uri()
                    + "/api/openapi.json); outputs under " + options.outputRoot() + "; Ctrl-C stops");
            if (token.created()) {
                context.err().println("acp: API token (shown once; kept in " + token.file() + "): " + token.value());
            } else {
                context.err().println("acp: API token: in " + token.file());
            }
            if (!options.loopback()) {
                context.err().println("acp: warning: listening on " + host + ", reachable from other machines; every"
                        + " route but /health needs the token, and traffic is not encrypted (put TLS in front)");
            }
            context.err().flush();
            stop.await();
            context.err().println("acp: stopping: no new runs; running runs are interrupted and stay resumable;"
                    + " queued runs are kept and queued again at the next start");
        } catch (IOException | InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return ExitCode.OK.code();
    }
}
