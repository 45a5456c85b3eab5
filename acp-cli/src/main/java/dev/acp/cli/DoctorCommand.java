package dev.acp.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.acp.Acp;
import dev.acp.config.AcpConfig;
import dev.acp.health.Probes;
import dev.acp.provider.AccessCheck;
import dev.acp.provider.ProviderFactory;
import dev.acp.provider.ProviderRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code acp doctor}: is this machine ready? The JDK, the state directory, the configuration
 * file, and each provider: credentials set, and (with a call that costs nothing) accepted and
 * reachable. Every problem comes with what to do about it.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Check the JDK, the state directory, config.yaml and every provider: credentials, and a free"
                + " call to each configured provider (skipped with --offline). Exit 0 when nothing failed, 3 when"
                + " credentials were refused, 1 for other problems.")
final class DoctorCommand implements Callable<Integer> {
    /** How long the provider checks may take together. */
    static final Duration CHECK_TIME = Duration.ofSeconds(20);
    /** Less free space than this in the state directory is worth a warning. */
    static final long LOW_SPACE_BYTES = 1L << 30;

    @Option(names = "--offline", description = "Do not contact any provider.")
    boolean offline;

    @Option(names = "--provider", paramLabel = "ID", description = "Check only this provider.")
    @Nullable String only;

    @Option(names = "--format", defaultValue = "table", description = "table or json (default: ${DEFAULT-VALUE}).")
    RunsCommand.Format format;

    private final CliContext context;

    DoctorCommand(CliContext context) {
        this.context = context;
    }

    /** One line of the report. */
    record Row(String check, AccessCheck result) {}

    @Override
    public Integer call() throws Exception {
        Acp acp = context.acp();
        List<Row> rows = new ArrayList<>();
        if (only == null) {
            rows.add(new Row("java", java()));
            rows.add(new Row("state directory", stateDirectory(Acp.acpHome(context.environment()))));
            rows.add(new Row("config.yaml", config(Acp.acpHome(context.environment()))));
        }
        rows.addAll(providers(acp.registry()));
        print(rows);
        boolean refused = rows.stream().anyMatch(r -> r.result().status() == AccessCheck.Status.REFUSED);
        boolean failed = rows.stream().anyMatch(r -> r.result().status() == AccessCheck.Status.FAILED);
        return refused ? ExitCode.CREDENTIALS.code() : failed ? ExitCode.FAILED_STEPS.code() : ExitCode.OK.code();
    }

    private static AccessCheck java() {
        Runtime.Version v = Runtime.version();
        String detail = v + " (" + System.getProperty("java.vendor", "unknown vendor") + ") at "
                + System.getProperty("java.home");
        return v.feature() >= 21 ? AccessCheck.ok(detail)
                : new AccessCheck(AccessCheck.Status.FAILED, detail, "use a JDK 21 or newer");
    }

    static AccessCheck stateDirectory(Path home) {
        AccessCheck writable = Probes.stateFolderWritable(home);
        if (writable.status() != AccessCheck.Status.OK) {
            return writable;
        }
        long runs = count(home.resolve("runs"));
        long cacheBytes = size(home.resolve("cache"));
        String contents = runs + " run" + (runs == 1 ? "" : "s") + ", cache " + megabytes(cacheBytes);
        try {
            FileStore store = Files.getFileStore(home);
            long free = store.getUsableSpace();
            String detail = home + " (writable, " + megabytes(free) + " free; " + contents + ")";
            return free < LOW_SPACE_BYTES
                    ? new AccessCheck(AccessCheck.Status.WARNING, detail,
                            "free some space: videos need room; 'acp cache clear' empties the cache")
                    : AccessCheck.ok(detail);
        } catch (IOException e) {
            return AccessCheck.ok(home + " (writable; " + contents + ")");
        }
    }

    private static AccessCheck config(Path home) {
        Path file = home.resolve(AcpConfig.FILE_NAME);
        if (!Files.exists(file)) {
            return AccessCheck.ok("none at " + file + " (optional: base URLs, keys and limits per provider)");
        }
        try {
            AcpConfig c = AcpConfig.load(home);
            return AccessCheck.ok(file + " (" + c.providers().size() + " provider"
                    + (c.providers().size() == 1 ? "" : "s") + " configured)");
        } catch (RuntimeException e) {
            return new AccessCheck(AccessCheck.Status.FAILED, oneLine(e.getMessage()),
                    "fix " + file + " ('acp config validate' explains the format)");
        }
    }

    /** Every provider's row; the free calls run side by side, within {@link #CHECK_TIME}. */
    private List<Row> providers(ProviderRegistry registry) throws InterruptedException {
        List<ProviderFactory> factories = registry.factories().stream()
                .filter(f -> only == null || f.id().equals(only)).toList();
        if (factories.isEmpty()) {
            throw new dev.acp.error.UsageException("no provider '" + only + "' in this build; 'acp info' lists them");
        }
        Map<String, Future<AccessCheck>> checks = new LinkedHashMap<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (ProviderFactory f : factories) {
                checks.put(f.id(), pool.submit(() -> check(f, registry)));
            }
            long deadline = System.nanoTime() + CHECK_TIME.toNanos();
            List<Row> rows = new ArrayList<>();
            for (var e : checks.entrySet()) {
                AccessCheck result;
                try {
                    result = e.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (TimeoutException ex) {
                    e.getValue().cancel(true);
                    result = new AccessCheck(AccessCheck.Status.FAILED, "no answer within " + CHECK_TIME.toSeconds()
                            + " s", "check the network, or the provider's base URL");
                } catch (ExecutionException ex) {
                    result = new AccessCheck(AccessCheck.Status.FAILED, "the check failed: "
                            + oneLine(String.valueOf(ex.getCause().getMessage())), null);
                }
                rows.add(new Row(e.getKey(), result));
            }
            pool.shutdownNow();
            return rows;
        }
    }

    /** The same free check the server's /health/ready reports. */
    private AccessCheck check(ProviderFactory f, ProviderRegistry registry) throws InterruptedException {
        return Probes.provider(f, registry, !offline);
    }

    private void print(List<Row> rows) throws IOException {
        PrintWriter out = context.out();
        if (format == RunsCommand.Format.json) {
            List<Map<String, Object>> list = new ArrayList<>();
            for (Row r : rows) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("check", r.check());
                m.put("status", r.result().status().name().toLowerCase(java.util.Locale.ROOT));
                m.put("detail", r.result().detail());
                m.put("fix", r.result().fix());
                list.add(m);
            }
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(list));
            return;
        }
        Terminal t = context.terminal();
        List<String[]> table = new ArrayList<>();
        table.add(new String[] {"CHECK", "STATUS", "DETAIL"});
        List<String> fixes = new ArrayList<>();
        for (Row r : rows) {
            table.add(new String[] {r.check(), label(r.result().status()), r.result().detail()});
            if (r.result().fix() != null && r.result().status() != AccessCheck.Status.OK) {
                fixes.add(r.check() + ": " + r.result().fix());
            }
        }
        // Colour after alignment would break the column widths, so the table stays plain.
        Table.print(out, t, table);
        if (!fixes.isEmpty()) {
            out.println();
            out.println(t.bold("What to do"));
            fixes.forEach(f -> out.println("  " + f));
        }
    }

    private static String oneLine(@Nullable String s) {
        return s == null ? "no message" : s.replaceAll("\\s*\\R\\s*", " ").trim();
    }

    private static String label(AccessCheck.Status s) {
        return switch (s) {
            case OK -> "ok";
            case WARNING -> "warning";
            case REFUSED -> "REFUSED";
            case FAILED -> "FAILED";
            case NOT_CHECKED -> "-";
        };
    }

    private static long count(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().startsWith(".")).count();
        } catch (IOException e) {
            return 0;
        }
    }

    private static long size(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }

    private static String megabytes(long bytes) {
        return bytes >= 10L << 30 ? (bytes >> 30) + " GB" : String.format(java.util.Locale.ROOT, "%.1f MB",
                bytes / 1048576.0);
    }
}
