package dev.acp.cli;

import picocli.CommandLine.Command;

/** {@code acp content songs ...}: a song library as a similarity-search index. */
@Command(name = "songs", mixinStandardHelpOptions = true, subcommands = {ContentSongsIndexCommand.class},
        description = "Index a song library (titles, artists, genres, tags, lyrics, and the features of each audio"
                + " file) for 'acp content search' and 'acp content similar'.")
final class ContentSongsCommand {
    private ContentSongsCommand() {}
}
