package dev.acp.cli;

import dev.acp.cache.ArtifactCache;
import dev.acp.run.RunService;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code acp cache ...}: the artifact cache under ACP_HOME/cache. */
@Command(name = "cache", description = "Inspect or clear the artifact cache (ACP_HOME/cache).",
        mixinStandardHelpOptions = true, subcommands = {CacheCommand.StatsCommand.class, CacheCommand.ClearCommand.class})
final class CacheCommand {
    private CacheCommand() {}

    /** {@code acp cache stats}. */
    @Command(name = "stats", mixinStandardHelpOptions = true, description = "Entries, size, and what hits saved.")
    static final class StatsCommand implements Callable<Integer> {
        @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
                description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
        RunCommand.Format format;

        private final CliContext context;

        StatsCommand(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() throws IOException {
            ArtifactCache cache = new RunService(context.acp()).cache();
            ArtifactCache.Stats s = cache.stats();
            PrintWriter out = context.out();
            if (format == RunCommand.Format.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("cache", cache.root().toString());
                m.putAll(counts(s));
                m.put("stored_value", s.storedValue().doubleValue());
                m.put("hits", s.hits());
                m.put("saved", s.saved().doubleValue());
                out.println(CliJson.pretty().writeValueAsString(m));
                return ExitCode.OK.code();
            }
            out.println("Cache: " + cache.root());
            out.println("Entries: " + s.entries() + " step results, " + s.objects() + " files, " + size(s.bytes()));
            out.println("Value of stored results: " + RunsCommand.money(s.storedValue()));
            out.println("Hits: " + s.hits() + ", saving " + RunsCommand.money(s.saved()));
            return ExitCode.OK.code();
        }
    }

    /** {@code acp cache clear}. */
    @Command(name = "clear", mixinStandardHelpOptions = true, description = "Delete everything in the cache.")
    static final class ClearCommand implements Callable<Integer> {
        @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
                description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
        RunCommand.Format format;

        private final CliContext context;

        ClearCommand(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() throws IOException {
            ArtifactCache cache = new RunService(context.acp()).cache();
            ArtifactCache.Stats s = cache.clear();
            if (format == RunCommand.Format.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("cache", cache.root().toString());
                m.put("cleared", counts(s));
                context.out().println(CliJson.pretty().writeValueAsString(m));
                return ExitCode.OK.code();
            }
            context.out().println("Cleared " + cache.root() + ": " + s.entries() + " step results, " + s.objects()
                    + " files, " + size(s.bytes()) + ".");
            return ExitCode.OK.code();
        }
    }

    /** What the cache holds (or held): step results, stored files, their bytes. */
    private static Map<String, Object> counts(ArtifactCache.Stats s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("entries", s.entries());
        m.put("files", s.objects());
        m.put("bytes", s.bytes());
        return m;
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format(java.util.Locale.ROOT, "%.1f KB", bytes / 1024.0);
        }
        return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024));
    }
}
