package dev.acp.content.items;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One item of an items file.
 *
 * @param id its unique id
 * @param line the line of the file it starts on, for messages
 * @param fields every field but the id, as read: text from CSV; strings, numbers, booleans, lists
 *     and objects from JSON Lines. These are the item's metadata in the index.
 */
public record Item(String id, long line, Map<String, Object> fields) {
    /** The optional field naming the item's media file. */
    public static final String PATH = "path";
    /** The required field naming the item. */
    public static final String ID = "id";

    public Item {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** The item's media file as written in the file, if it names one. */
    public @Nullable String path() {
        Object p = fields.get(PATH);
        return p == null ? null : String.valueOf(p);
    }

    /** The item with more fields (computed ones, such as audio features), replacing those of the same name. */
    public Item withFields(Map<String, Object> more) {
        Map<String, Object> all = new LinkedHashMap<>(fields);
        all.putAll(more);
        return new Item(id, line, all);
    }
}
