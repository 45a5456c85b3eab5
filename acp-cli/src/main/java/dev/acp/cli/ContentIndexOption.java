package dev.acp.cli;

import dev.acp.content.embed.TextEmbedder;
import dev.acp.content.index.Indexes;
import dev.acp.content.index.VectorIndex;
import java.nio.file.Path;
import java.time.Clock;
import java.util.logging.Logger;
import picocli.CommandLine.Option;

/**
 * {@code --index DIR} of the content commands that read or change an existing index, and opening
 * it with one-line errors ({@link Indexes}). While the command runs, Lucene's start-up lines stay
 * quiet.
 */
final class ContentIndexOption {
    @Option(names = "--index", required = true, paramLabel = "DIR", description = "The index folder.")
    Path dir;

    /** Held so that Lucene's start-up lines stay quiet while the command runs. */
    private final Logger lucene = ContentIndexing.quietLucene();

    /** The folder, against the working directory. */
    Path folder(CliContext context) {
        return ContentIndexing.resolve(context, dir);
    }

    /** The index, opened for reading and changes. */
    VectorIndex open(CliContext context) {
        return Indexes.open(folder(context), Clock.systemUTC());
    }

    /** Refuses {@code index} unless it was built with {@code embedder}'s model: their vectors would not compare. */
    void requireModel(VectorIndex index, TextEmbedder embedder) {
        index.manifest().requireModel(dir, embedder.modelId(), embedder.dimensions());
    }
}
