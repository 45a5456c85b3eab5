/**
 * The on-disk vector index: items (an id, a unit vector, metadata) in a Lucene HNSW graph under a
 * folder the user names, with a manifest that says which format and which embedding model made it.
 * Built into a temporary folder and moved into place, so a folder that looks like an index is a
 * complete one; items are added, replaced and removed in place afterwards.
 */
@NullMarked
package dev.acp.content.index;

import org.jspecify.annotations.NullMarked;
