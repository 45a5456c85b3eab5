package dev.acp.cli;

import dev.acp.content.index.SearchHit;
import dev.acp.content.index.VectorIndex;
import dev.acp.error.UsageException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code acp content similar}: the items of an index nearest one of its items. */
@Command(name = "similar", mixinStandardHelpOptions = true,
        description = "Find the items of an index most similar to the item --id (itself left out), best first;"
                + " nothing is embedded, the item's stored vector is the query.")
final class ContentSimilarCommand implements Callable<Integer> {
    @Option(names = "--index", required = true, paramLabel = "DIR", description = "The index folder.")
    Path index;

    @Option(names = "--id", required = true, paramLabel = "ID", description = "The item to start from.")
    String id;

    @Option(names = {"-k", "--k"}, paramLabel = "N", defaultValue = "10", description = "How many items (default:"
            + " ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--filter", paramLabel = "FIELD=VALUE", description = "Only items whose metadata field has this"
            + " value; repeat for several, all must match.")
    List<String> filters = new ArrayList<>();

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table", description = "Output format:"
            + " ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    RunCommand.Format format;

    private final CliContext context;
    /** Held so that Lucene's start-up lines stay quiet while the command runs. */
    private final java.util.logging.Logger lucene = ContentIndexing.quietLucene();

    ContentSimilarCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException {
        if (k < 1) {
            throw new UsageException("--k must be at least 1, not " + k);
        }
        var parsed = ContentIndexing.filters(filters);
        try (VectorIndex vectors = VectorIndex.open(ContentIndexing.resolve(context, index), Clock.systemUTC())) {
            List<SearchHit> hits = vectors.similar(id, k, parsed).orElseThrow(() -> new UsageException("no item of "
                    + index + " has the id " + id + ": 'acp content search --index " + index + " QUERY' shows ids"));
            if (format == RunCommand.Format.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("index", index.toString());
                m.put("id", id);
                m.put("k", k);
                m.put("filters", filters);
                m.put("hits", ContentIndexing.json(hits));
                context.out().println(CliJson.pretty().writeValueAsString(m));
            } else {
                ContentIndexing.table(context.out(), context.terminal(), hits);
            }
        }
        return ExitCode.OK.code();
    }
}
