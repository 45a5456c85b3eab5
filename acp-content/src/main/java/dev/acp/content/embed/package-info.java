/** Text embeddings: sentences to unit vectors whose dot product measures how alike they are. */
@NullMarked
package dev.acp.content.embed;

import org.jspecify.annotations.NullMarked;
