package dev.acp.cli;

import java.nio.file.Path;
import java.util.logging.Logger;
import picocli.CommandLine.Option;

/** {@code --index DIR} of the content commands that build an index, new or in place of one. */
final class ContentNewIndexOption {
    @Option(names = "--index", required = true, paramLabel = "DIR", description = "The index folder: new, empty, or"
            + " an index to replace.")
    Path dir;

    /** Held so that Lucene's start-up lines stay quiet while the command runs. */
    private final Logger lucene = ContentIndexing.quietLucene();

    /** The folder, against the working directory. */
    Path folder(CliContext context) {
        return ContentIndexing.resolve(context, dir);
    }
}
