package dev.acp.content.index;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One result of a search.
 *
 * @param id the item's id
 * @param similarity the cosine similarity of the item's vector to the query, from -1 to 1
 * @param metadata the item's stored metadata
 */
public record SearchHit(String id, double similarity, Map<String, Object> metadata) {
    public SearchHit {
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }
}
