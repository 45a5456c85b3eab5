package dev.acp.cli;

import dev.acp.content.index.SearchHit;
import dev.acp.content.index.VectorIndex;
import dev.acp.error.UsageException;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code acp content similar}: the items of an index nearest one of its items. */
@Command(name = "similar", mixinStandardHelpOptions = true,
        description = "Find the items of an index most similar to the item --id (itself left out), best first;"
                + " nothing is embedded, the item's stored vector is the query.")
final class ContentSimilarCommand implements Callable<Integer> {
    @Mixin
    ContentIndexOption index = new ContentIndexOption();

    @Option(names = "--id", required = true, paramLabel = "ID", description = "The item to start from.")
    String id;

    @Mixin
    ContentHitOptions hits = new ContentHitOptions();

    @Mixin
    ContentFormatOption format = new ContentFormatOption();

    private final CliContext context;

    ContentSimilarCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException {
        int k = hits.k();
        var parsed = hits.parsed();
        try (VectorIndex vectors = index.open(context)) {
            List<SearchHit> found = vectors.similar(id, k, parsed).orElseThrow(() -> new UsageException("no item of "
                    + index.dir + " has the id " + id + ": 'acp content search --index " + index.dir
                    + " QUERY' shows ids"));
            hits.print(context, format, index, "id", id, found);
        }
        return ExitCode.OK.code();
    }
}
