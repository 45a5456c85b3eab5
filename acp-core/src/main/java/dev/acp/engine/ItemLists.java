package dev.acp.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.acp.util.Hashing;
import dev.acp.util.JsonMappers;
import java.util.List;
import java.util.Map;

/**
 * The list a text step's JSON result holds, for {@code {{steps.<id>.items}}} and for_each: the
 * result itself when it is an array, or the one array field of an object (story_to_scenes
 * answers {@code {"scenes": [...]}}).
 */
final class ItemLists {
    /** Thread-safe once configured; never reconfigured. */
    private static final ObjectMapper JSON = JsonMappers.objectMapper();

    private ItemLists() {}

    /** The items of {@code text}; throws {@link ItemListException} saying why it holds no list. */
    static List<Object> parse(String stepId, String text) {
        Object value;
        try {
            value = JSON.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            throw new ItemListException("the result of '" + stepId + "' is not JSON ("
                    + e.getOriginalMessage() + "), so it has no items");
        }
        return fromValue(stepId, value);
    }

    @SuppressWarnings("unchecked")
    static List<Object> fromValue(String source, Object value) {
        if (value instanceof List<?> list) {
            return (List<Object>) list;
        }
        if (value instanceof Map<?, ?> map) {
            List<Object> arrays = map.values().stream().filter(List.class::isInstance).map(Object.class::cast).toList();
            if (arrays.size() == 1) {
                return (List<Object>) arrays.get(0);
            }
            throw new ItemListException("the result of '" + source + "' is a JSON object with " + arrays.size()
                    + " list fields (" + String.join(", ", map.keySet().stream().map(String::valueOf).toList())
                    + "); it needs to be a list or an object with exactly one list field");
        }
        throw new ItemListException("the result of '" + source + "' is not a list");
    }

    /** A stable hash of the items, to notice on resume that a source answered differently. */
    static String hash(List<Object> items) {
        try {
            return Hashing.sha256(JSON.writeValueAsString(items));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("items read from JSON are writable as JSON", e);
        }
    }

    /** A value as it reads inside text: JSON for lists and maps, plain for the rest. */
    static String text(Object value) {
        if (value instanceof List<?> || value instanceof Map<?, ?>) {
            try {
                return JSON.writeValueAsString(value);
            } catch (JsonProcessingException e) {
                return String.valueOf(value);
            }
        }
        return String.valueOf(value);
    }

    /** A source that holds no usable list: a step-level error with this message. */
    static final class ItemListException extends IllegalStateException {
        ItemListException(String message) {
            super(message);
        }
    }
}
