/**
 * The song library: audio features of a song file (duration, loudness, tempo, spectral shape)
 * computed with ffmpeg and plain Java, kept as metadata and filters of a song index.
 */
@NullMarked
package dev.acp.content.songs;

import org.jspecify.annotations.NullMarked;
