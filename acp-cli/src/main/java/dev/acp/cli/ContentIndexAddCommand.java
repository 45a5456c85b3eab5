package dev.acp.cli;

import dev.acp.content.embed.TextEmbedder;
import dev.acp.content.index.VectorIndex;
import dev.acp.content.items.EmbeddedText;
import dev.acp.content.items.Item;
import dev.acp.content.items.ItemFile;
import dev.acp.content.items.ItemIndexer;
import dev.acp.content.items.ItemSet;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code acp content index add}: more items in an existing index, replacing those with the same ids. */
@Command(name = "add", mixinStandardHelpOptions = true,
        description = "Embed the items of a CSV or JSON Lines file into an existing index, the same fields as its"
                + " build; an item whose id is indexed already is replaced. All items go in, or none.")
final class ContentIndexAddCommand implements Callable<Integer> {
    @Mixin
    ContentIndexOption index = new ContentIndexOption();

    @Option(names = {"-i", "--input"}, required = true, paramLabel = "ITEMS", description = "The items: .csv or"
            + " .jsonl, as for 'index build'.")
    Path input;

    @Mixin
    ContentFormatOption format = new ContentFormatOption();

    private final CliContext context;

    ContentIndexAddCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException {
        Clock clock = Clock.systemUTC();
        try (VectorIndex vectors = index.open(context)) {
            ItemSet items = ItemFile.read(ContentIndexing.resolve(context, input), input.toString(),
                    new EmbeddedText(vectors.manifest().embeddedFields()));
            if (!items.valid()) {
                ContentIndexing.printProblems(context.err(), items, input.toString());
                return ExitCode.USAGE.code();
            }
            long replaced = items.items().stream().map(Item::id).filter(vectors::contains).count();
            try (TextEmbedder embedder = ContentIndexing.embedder();
                    IndexProgressDisplay progress = new IndexProgressDisplay(context.err(), context.terminal(),
                            clock)) {
                index.requireModel(vectors, embedder);
                new ItemIndexer(embedder, clock).add(vectors, items.items(), progress);
            }
            int count = items.items().size();
            if (format.json()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("index", index.dir.toString());
                m.put("added", count - replaced);
                m.put("replaced", replaced);
                m.put("items", vectors.size());
                format.print(context, m);
            } else {
                context.out().println("Added " + (count - replaced) + " and replaced " + replaced + " item"
                        + (replaced == 1 ? "" : "s") + " in " + index.dir + "; it holds " + vectors.size() + " items.");
            }
        }
        return ExitCode.OK.code();
    }
}
