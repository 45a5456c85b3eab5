package dev.acp.cli;

import dev.acp.content.index.VectorIndex;
import dev.acp.error.UsageException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code acp content index remove}: items out of an index by id. */
@Command(name = "remove", mixinStandardHelpOptions = true,
        description = "Remove items from an index by id. Ids that are not in the index are named; if none of"
                + " them is, nothing changes and the exit code is 2.")
final class ContentIndexRemoveCommand implements Callable<Integer> {
    @Mixin
    ContentIndexOption index = new ContentIndexOption();

    @Option(names = "--id", required = true, split = ",", paramLabel = "ID", description = "The items to remove"
            + " (repeat the option or separate ids with commas).")
    List<String> ids = new ArrayList<>();

    @Mixin
    ContentFormatOption format = new ContentFormatOption();

    private final CliContext context;

    ContentIndexRemoveCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException {
        try (VectorIndex vectors = index.open(context)) {
            List<String> removed = vectors.remove(ids);
            List<String> missing = ids.stream().distinct().filter(id -> !removed.contains(id)).toList();
            if (removed.isEmpty()) {
                throw new UsageException("no item of " + index.dir + " has the id" + (missing.size() == 1 ? " " : "s ")
                        + String.join(", ", missing) + ": 'acp content search' shows the ids of items");
            }
            if (format.json()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("index", index.dir.toString());
                m.put("removed", removed);
                m.put("not_found", missing);
                m.put("items", vectors.size());
                format.print(context, m);
            } else {
                context.out().println("Removed " + removed.size() + " item" + (removed.size() == 1 ? "" : "s")
                        + " from " + index.dir + "; it holds " + vectors.size() + " items."
                        + (missing.isEmpty() ? "" : " Not in the index: " + String.join(", ", missing) + "."));
            }
        }
        return ExitCode.OK.code();
    }
}
