/**
 * Items to index, read from CSV or JSON Lines (an {@code id}, an optional {@code path}, any other
 * fields), the text of each that is embedded, and the glue that embeds them into a vector index.
 */
@NullMarked
package dev.acp.content.items;

import org.jspecify.annotations.NullMarked;
