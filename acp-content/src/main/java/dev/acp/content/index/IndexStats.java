package dev.acp.content.index;

import java.nio.file.Path;

/**
 * What {@code acp content index stats} shows.
 *
 * @param folder the index folder
 * @param manifest its manifest
 * @param items items searchable now
 * @param deleted removed or replaced items whose space is reclaimed at the next merge
 * @param segments Lucene segments, each with its own graph; a fresh build has one
 * @param bytes the size of the folder on disk
 */
public record IndexStats(Path folder, IndexManifest manifest, long items, long deleted, int segments, long bytes) {}
