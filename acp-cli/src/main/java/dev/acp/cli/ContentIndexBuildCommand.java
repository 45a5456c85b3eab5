package dev.acp.cli;

import dev.acp.content.embed.TextEmbedder;
import dev.acp.content.items.EmbeddedText;
import dev.acp.content.items.ItemFile;
import dev.acp.content.items.ItemIndexer;
import dev.acp.content.items.ItemSet;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code acp content index build}: a new index of the items of a file. */
@Command(name = "build", mixinStandardHelpOptions = true,
        description = "Embed the items of a CSV or JSON Lines file (an 'id' each, an optional 'path', any other"
                + " fields) and build a similarity-search index of them in a folder, replacing the index there."
                + " Every field is kept as metadata. The index appears only once it is complete.")
final class ContentIndexBuildCommand implements Callable<Integer> {
    @Mixin
    ContentNewIndexOption index = new ContentNewIndexOption();

    @Option(names = {"-i", "--input"}, required = true, paramLabel = "ITEMS", description = "The items: .csv (header"
            + " row, RFC 4180) or .jsonl (an object per line), UTF-8.")
    Path input;

    @Option(names = "--fields", split = ",", paramLabel = "FIELDS", description = "The fields whose text is embedded,"
            + " comma-separated, each item needing them (default: every text field but id and path).")
    List<String> fields = new ArrayList<>();

    @Mixin
    ContentFormatOption format = new ContentFormatOption();

    private final CliContext context;

    ContentIndexBuildCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException {
        EmbeddedText text = new EmbeddedText(fields);
        ItemSet items = ItemFile.read(ContentIndexing.resolve(context, input), input.toString(), text);
        if (!items.valid()) {
            ContentIndexing.printProblems(context.err(), items, input.toString());
            return ExitCode.USAGE.code();
        }
        Path folder = index.folder(context);
        Clock clock = Clock.systemUTC();
        long start = System.nanoTime();
        try (TextEmbedder embedder = ContentIndexing.embedder();
                IndexProgressDisplay progress = new IndexProgressDisplay(context.err(), context.terminal(), clock)) {
            new ItemIndexer(embedder, clock).build(folder, items.items(), text, progress);
            report(items.items().size(), embedder, (System.nanoTime() - start) / 1e9);
        }
        return ExitCode.OK.code();
    }

    private void report(int count, TextEmbedder embedder, double seconds) throws IOException {
        if (format.json()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", index.dir.toString());
            m.put("items", count);
            m.put("model", embedder.modelId());
            m.put("dimensions", embedder.dimensions());
            m.put("embedded_fields", fields.isEmpty() ? "all text fields" : fields);
            m.put("seconds", Math.round(seconds * 100) / 100.0);
            format.print(context, m);
            return;
        }
        context.out().println(String.format(java.util.Locale.ROOT, "Indexed %d item%s into %s in %.1f s (model %s,"
                + " embedded: %s).", count, count == 1 ? "" : "s", index.dir, seconds, embedder.modelId(),
                fields.isEmpty() ? "every text field" : String.join(", ", fields)));
    }
}
