package dev.acp.cli;

import picocli.CommandLine.Command;

/**
 * {@code acp content ...}: offline content analysis (embeddings and similarity search, shots, faces,
 * clustering, quality). Nothing here calls a provider or spends money.
 */
@Command(name = "content", mixinStandardHelpOptions = true, subcommands = {ContentEmbedCommand.class,
    ContentIndexCommand.class, ContentSearchCommand.class, ContentSimilarCommand.class, ContentSongsCommand.class,
    ContentShotsCommand.class, ContentFacesCommand.class, ContentClusterCommand.class,
    ContentQualityCommand.class, ContentProcessCommand.class},
        description = "Analyse content offline: text embeddings and similarity search, shots of a video, faces,"
                + " clusters and quality scores. Nothing is sent to a provider and nothing is paid.")
final class ContentCommand {
    private ContentCommand() {}
}
