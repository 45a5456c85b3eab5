package dev.acp.cli;

import dev.acp.cache.ArtifactCache;
import dev.acp.run.RunService;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code acp cache ...}: the artifact cache under ACP_HOME/cache. */
@Command(name = "cache", description = "Inspect or clear the artifact cache (ACP_HOME/cache).",
        mixinStandardHelpOptions = true, subcommands = {CacheCommand.StatsCommand.class, CacheCommand.ClearCommand.class})
final class CacheCommand {
    private CacheCommand() {}

    /** {@code acp cache stats}. */
    @Command(name = "stats", mixinStandardHelpOptions = true, description = "Entries, size, and what hits saved.")
    static final class StatsCommand implements Callable<Integer> {
        private final CliContext context;

        StatsCommand(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() throws IOException {
            ArtifactCache cache = new RunService(context.acp()).cache();
            ArtifactCache.Stats s = cache.stats();
            PrintWriter out = context.out();
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
        private final CliContext context;

        ClearCommand(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() throws IOException {
            ArtifactCache cache = new RunService(context.acp()).cache();
            ArtifactCache.Stats s = cache.clear();
            context.out().println("Cleared " + cache.root() + ": " + s.entries() + " step results, " + s.objects()
                    + " files, " + size(s.bytes()) + ".");
            return ExitCode.OK.code();
        }
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
