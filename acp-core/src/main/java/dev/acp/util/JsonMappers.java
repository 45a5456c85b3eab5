package dev.acp.util;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Jackson mappers for code that runs on virtual threads (steps, provider calls, the journal).
 *
 * <p>Jackson's default keeps its read and write buffers (about 17 KB) in a thread-local, which
 * suits a few long-lived platform threads; every step runs on a virtual thread of its own, so
 * each of a run's in-flight steps allocated and held a set of its own (17 MB of a 2,000-job
 * run's live heap, and the same again in garbage per step). Mappers made here share one bounded
 * pool instead (Jackson's own shared bounded pool: at most 100 sets kept, whatever the number
 * of threads; one is taken only while a document is read or written).
 */
public final class JsonMappers {
    private JsonMappers() {}

    /** A JSON factory whose buffers come from the shared pool. */
    public static JsonFactory jsonFactory() {
        return JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedBoundedPool()).build();
    }

    /** A new mapper (configure it as usual) over {@link #jsonFactory()}. */
    public static ObjectMapper objectMapper() {
        return new ObjectMapper(jsonFactory());
    }
}
