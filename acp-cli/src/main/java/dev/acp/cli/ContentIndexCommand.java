package dev.acp.cli;

import picocli.CommandLine.Command;

/** {@code acp content index ...}: build and change a vector index of items. */
@Command(name = "index", mixinStandardHelpOptions = true, subcommands = {ContentIndexBuildCommand.class,
    ContentIndexAddCommand.class, ContentIndexRemoveCommand.class, ContentIndexStatsCommand.class},
        description = "Build a similarity-search index of items (CSV or JSON Lines) in a folder, add, replace and"
                + " remove items, and show what it holds. 'acp content search' and 'similar' query it.")
final class ContentIndexCommand {
    private ContentIndexCommand() {}
}
