package dev.acp.cli;

import dev.acp.content.embed.TextEmbedder;
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
import picocli.CommandLine.Parameters;

/** {@code acp content search}: the items of an index nearest a text. */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = "Find the items of an index whose embedded text is most similar in meaning to QUERY, best"
                + " first, optionally only those whose metadata match every --filter field=value.")
final class ContentSearchCommand implements Callable<Integer> {
    @Option(names = "--index", required = true, paramLabel = "DIR", description = "The index folder.")
    Path index;

    @Parameters(index = "0", paramLabel = "QUERY", description = "What to look for, in words.")
    String query;

    @Option(names = {"-k", "--k"}, paramLabel = "N", defaultValue = "10", description = "How many items (default:"
            + " ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--filter", paramLabel = "FIELD=VALUE", description = "Only items whose metadata field has this"
            + " value (exact; a list field: holds it); repeat for several, all must match.")
    List<String> filters = new ArrayList<>();

    @Option(names = "--ef", paramLabel = "N", description = "Candidates kept while searching the graph: more is"
            + " slower and finds more of the true nearest (default: the larger of k and 100).")
    Integer ef;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table", description = "Output format:"
            + " ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    RunCommand.Format format;

    private final CliContext context;
    /** Held so that Lucene's start-up lines stay quiet while the command runs. */
    private final java.util.logging.Logger lucene = ContentIndexing.quietLucene();

    ContentSearchCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException {
        if (query.isBlank()) {
            throw new UsageException("the query is empty: say what to look for, such as acp content search --index "
                    + index + " \"rainy day jazz\"");
        }
        if (k < 1) {
            throw new UsageException("--k must be at least 1, not " + k);
        }
        var parsed = ContentIndexing.filters(filters);
        try (VectorIndex vectors = VectorIndex.open(ContentIndexing.resolve(context, index), Clock.systemUTC());
                TextEmbedder embedder = ContentIndexing.embedder()) {
            vectors.manifest().requireModel(index, embedder.modelId(), embedder.dimensions());
            float[] q = embedder.embed(List.of(query)).get(0);
            List<SearchHit> hits = vectors.search(q, k, ef == null ? VectorIndex.defaultEf(k) : ef, parsed);
            if (format == RunCommand.Format.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("index", index.toString());
                m.put("query", query);
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
