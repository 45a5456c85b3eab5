package dev.acp.cli;

import dev.acp.content.embed.TextEmbedder;
import dev.acp.content.index.SearchHit;
import dev.acp.content.index.VectorIndex;
import dev.acp.error.UsageException;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code acp content search}: the items of an index nearest a text. */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = "Find the items of an index whose embedded text is most similar in meaning to QUERY, best"
                + " first, optionally only those whose metadata match every --filter field=value and"
                + " --where field>=number.")
final class ContentSearchCommand implements Callable<Integer> {
    @Mixin
    ContentIndexOption index = new ContentIndexOption();

    @Parameters(index = "0", paramLabel = "QUERY", description = "What to look for, in words.")
    String query;

    @Mixin
    ContentHitOptions hits = new ContentHitOptions();

    @Option(names = "--ef", paramLabel = "N", description = "Candidates kept while searching the graph: more is"
            + " slower and finds more of the true nearest (default: the larger of k and 100).")
    Integer ef;

    @Mixin
    ContentFormatOption format = new ContentFormatOption();

    private final CliContext context;

    ContentSearchCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException {
        if (query.isBlank()) {
            throw new UsageException("the query is empty: say what to look for, such as acp content search --index "
                    + index.dir + " \"rainy day jazz\"");
        }
        int k = hits.k();
        var parsed = hits.parsed();
        try (VectorIndex vectors = index.open(context);
                TextEmbedder embedder = ContentIndexing.embedder()) {
            index.requireModel(vectors, embedder);
            float[] q = embedder.embed(List.of(query)).get(0);
            List<SearchHit> found = vectors.search(q, k, ef == null ? VectorIndex.defaultEf(k) : ef, parsed);
            hits.print(context, format, index, "query", query, found);
        }
        return ExitCode.OK.code();
    }
}
