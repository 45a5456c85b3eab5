/**
 * One file through every analysis that applies to it ({@link dev.acp.content.process.ContentProcessor}):
 * what the seeds' {@code process_content} promised. Metadata, the embedding of its text or
 * description, shots and keyframes of a video, faces, quality, and where it falls in an index
 * (its cluster and nearest items), composed from the module's own analysers.
 */
@NullMarked
package dev.acp.content.process;

import org.jspecify.annotations.NullMarked;
