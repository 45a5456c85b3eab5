package dev.acp.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a run folder's view cache keeps: exact stamps only, within its count and weight. */
class FolderCacheTest {
    private static final List<FolderCache.Stamp> A = List.of(new FolderCache.Stamp(10, Instant.EPOCH, true));
    private static final List<FolderCache.Stamp> B = List.of(new FolderCache.Stamp(11, Instant.EPOCH, true));

    @Test
    void a_value_is_given_back_only_for_the_stamps_it_was_read_with() {
        FolderCache<String> c = new FolderCache<>(4, 1000, String::length);
        c.put(Path.of("r1"), A, "one");
        assertThat(c.get(Path.of("r1"), A)).contains("one");
        assertThat(c.get(Path.of("r1"), B)).isEmpty();
    }

    @Test
    void the_least_recently_used_go_first_when_count_or_weight_is_exceeded() {
        FolderCache<String> c = new FolderCache<>(2, 10, String::length);
        c.put(Path.of("r1"), A, "aaaa");
        c.put(Path.of("r2"), A, "bbbb");
        assertThat(c.get(Path.of("r1"), A)).isPresent(); // r2 is now the least recently used
        c.put(Path.of("r3"), A, "cccc"); // 12 > 10 and 3 > 2: r2 goes
        assertThat(c.get(Path.of("r2"), A)).isEmpty();
        assertThat(c.get(Path.of("r1"), A)).contains("aaaa");
        assertThat(c.get(Path.of("r3"), A)).contains("cccc");
        c.put(Path.of("r4"), A, "x".repeat(11)); // heavier than the whole cache: not kept, nothing evicted
        assertThat(c.get(Path.of("r4"), A)).isEmpty();
        assertThat(c.size()).isEqualTo(2);
    }
}
