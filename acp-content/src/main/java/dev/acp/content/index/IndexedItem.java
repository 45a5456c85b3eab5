package dev.acp.content.index;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One item of an index.
 *
 * @param id the item's unique id; adding an item whose id is already indexed replaces it
 * @param vector its embedding, of the index's dimensions; it is scaled to length 1 if it is not
 * @param metadata what is stored beside the vector and returned with hits: JSON values (strings,
 *     numbers, booleans, lists and maps of them); scalar values, and the scalars of lists, can be
 *     filtered on exactly
 */
public record IndexedItem(String id, float[] vector, Map<String, Object> metadata) {
    public IndexedItem {
        if (id.isEmpty()) {
            throw new IllegalArgumentException("an item's id must not be empty");
        }
        vector = vector.clone();
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    @Override
    public float[] vector() {
        return vector.clone();
    }
}
