package dev.acp.cli;

import dev.acp.content.index.IndexManifest;
import dev.acp.content.index.IndexStats;
import dev.acp.content.index.VectorIndex;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code acp content index stats}: what an index holds. */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Show an index's items, model, embedded fields, segments and size on disk.")
final class ContentIndexStatsCommand implements Callable<Integer> {
    @Mixin
    ContentIndexOption index = new ContentIndexOption();

    @Mixin
    ContentFormatOption format = new ContentFormatOption();

    private final CliContext context;

    ContentIndexStatsCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException {
        try (VectorIndex vectors = index.open(context)) {
            IndexStats s = vectors.stats();
            IndexManifest m = s.manifest();
            String fields = m.embeddedFields().isEmpty() ? "every text field" : String.join(", ", m.embeddedFields());
            if (format.json()) {
                Map<String, Object> j = new LinkedHashMap<>();
                j.put("index", index.dir.toString());
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
                format.print(context, j);
                return ExitCode.OK.code();
            }
            PrintWriter out = context.out();
            out.println("Index:      " + index.dir);
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
