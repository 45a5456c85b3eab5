package dev.acp.util;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.RecyclerPool;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.junit.jupiter.api.Test;

final class JsonMappersTest {

    /**
     * Steps run on virtual threads of their own: with Jackson's default (a thread-local) each
     * would get a new buffer set. From the shared pool, threads that read one after the other
     * reuse one set.
     */
    @Test
    void threads_reading_one_after_another_share_one_buffer_set() throws Exception {
        ObjectMapper mapper = JsonMappers.objectMapper();
        RecyclerPool<BufferRecycler> pool = mapper.getFactory()._getRecyclerPool();
        Set<BufferRecycler> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < 20; i++) {
            Thread.ofVirtual().start(() -> {
                BufferRecycler r = pool.acquireAndLinkPooled();
                seen.add(r);
                r.releaseToPool();
            }).join();
        }
        assertThat(seen).hasSize(1);
        assertThat(mapper.readTree("{\"a\": 1}").get("a").asInt()).isEqualTo(1);
    }
}
