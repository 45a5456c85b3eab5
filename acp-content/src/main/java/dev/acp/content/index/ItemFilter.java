package dev.acp.content.index;

/**
 * A condition on an item's metadata that a search applies inside the graph search: an exact value
 * ({@link MetadataFilter}, {@code --filter field=value}) or a numeric range ({@link RangeFilter},
 * {@code --where field>=value}). A search's filters must all hold.
 */
public sealed interface ItemFilter permits MetadataFilter, RangeFilter {
    /** The metadata field the condition is on. */
    String field();
}
