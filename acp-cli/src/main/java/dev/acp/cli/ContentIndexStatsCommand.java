package dev.acp.cli;

import dev.acp.content.index.IndexManifest;
import dev.acp.content.index.IndexStats;
import dev.acp.content.index.VectorIndex;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code acp content index stats}: what an index holds. */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Show an index's items, model, embedded fields, segments and size on disk.")
final class ContentIndexStatsCommand implements Callable<Integer> {
    @Option(names = "--index", required = true, paramLabel = "DIR", description = "The index folder.")
    Path index;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table", description = "Output format:"
            + " ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    RunCommand.Format format;

    private final CliContext context;
    /** Held so that Lucene's start-up lines stay quiet while the command runs. */
    private final java.util.logging.Logger lucene = ContentIndexing.quietLucene();

    ContentIndexStatsCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException {
        try (VectorIndex vectors = VectorIndex.open(ContentIndexing.resolve(context, index), Clock.systemUTC())) {
            IndexStats s = vectors.stats();
            IndexManifest m = s.manifest();
            String fields = m.embeddedFields().isEmpty() ? "every text field" : String.join(", ", m.embeddedFields());
            if (format == RunCommand.Format.json) {
                Map<String, Object> j = new LinkedHashMap<>();
                j.put("index", index.toString());
                j.put("items", s.items());
                j.put("deleted_pending_merge", s.deleted());
                j.put("segments", s.segments());
                j.put("bytes", s.bytes());
                j.put("format_version", m.formatVersion());
                j.put("model", m.modelId());
                j.put("dimensions", m.dimensions());
                j.put("embedded_fields", m.embeddedFields());
                j.put("created_at", m.createdAt().toString());
                j.put("updated_at", m.updatedAt().toString());
                context.out().println(CliJson.pretty().writeValueAsString(j));
                return ExitCode.OK.code();
            }
            PrintWriter out = context.out();
            out.println("Index:      " + index);
            out.println("Items:      " + s.items() + (s.deleted() > 0 ? " (" + s.deleted() + " removed or replaced,"
                    + " reclaimed at the next merge)" : ""));
            out.println("Model:      " + m.modelId() + " (" + m.dimensions() + " dimensions)");
            out.println("Embedded:   " + fields);
            out.println("Format:     version " + m.formatVersion() + ", HNSW, " + s.segments() + " segment"
                    + (s.segments() == 1 ? "" : "s") + ", " + CacheCommand.size(s.bytes()));
            out.println("Built:      " + m.createdAt() + (m.updatedAt().equals(m.createdAt()) ? ""
                    : ", changed " + m.updatedAt()));
        }
        return ExitCode.OK.code();
    }
}
