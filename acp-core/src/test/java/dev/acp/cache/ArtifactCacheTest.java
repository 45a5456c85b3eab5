package dev.acp.cache;

import dev.acp.util.Hashing;
import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.env.Environment;
import dev.acp.env.Secrets;
import dev.acp.pipeline.Capability;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactCacheTest {
    private static final String CANARY = "canary-key-123456789";

    @TempDir
    Path dir;

    private CacheKey key(String prompt) throws IOException {
        return CacheKey.of(Capability.TEXT_TO_IMAGE, "fal", "1", "flux", Map.of("prompt", prompt), Set.of(), "png",
                new FileHashes());
    }

    private CacheEntry store(ArtifactCache cache, CacheKey key, String content) throws IOException {
        Path out = dir.resolve("out.png");
        Files.writeString(out, content);
        return cache.store(key, out, Hashing.sha256(out), null, "png", Map.of(), new BigDecimal("0.04"), true, "fal",
                "flux", null, List.of());
    }

    @Test
    void a_damaged_or_deleted_object_is_a_miss_and_is_never_served() throws IOException {
        ArtifactCache cache = new ArtifactCache(dir.resolve("cache"));
        CacheEntry e = store(cache, key("a cat"), "real bytes");
        Path object = cache.object(e.objectSha256()).orElseThrow();

        Files.writeString(object, "flipped bits");
        assertThat(cache.restore(e, dir.resolve("restored.png"))).isFalse();
        assertThat(object).doesNotExist();
        assertThat(dir.resolve("restored.png")).doesNotExist();
        assertThat(cache.lookup(e.key())).isEmpty();

        CacheEntry again = store(cache, key("a cat"), "real bytes");
        assertThat(cache.restore(again, dir.resolve("restored.png"))).isTrue();
        assertThat(dir.resolve("restored.png")).hasContent("real bytes");
        Files.delete(cache.object(again.objectSha256()).orElseThrow());
        assertThat(cache.restore(again, dir.resolve("restored2.png"))).isFalse();
    }

    @Test
    void an_output_changed_after_it_was_hashed_is_not_stored_under_the_old_hash() throws IOException {
        ArtifactCache cache = new ArtifactCache(dir.resolve("cache"));
        Path out = dir.resolve("out.png");
        Files.writeString(out, "what the provider sent");
        String sha = Hashing.sha256(out);
        Files.writeString(out, "edited by someone meanwhile");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> cache.store(key("a cat"), out, sha, null, "png",
                Map.of(), null, true, "fal", "flux", null, List.of())).isInstanceOf(IOException.class)
                .hasMessageContaining("changed before it could be cached");
        assertThat(cache.object(sha)).isEmpty();
    }

    @Test
    void secrets_rendered_into_parameters_never_reach_the_cache_files() throws IOException {
        Secrets secrets = Secrets.from(Environment.of(Map.of("FAL_KEY", CANARY)), List.of());
        ArtifactCache cache = new ArtifactCache(dir.resolve("cache"), secrets);
        CacheKey key = key("a cat signed " + CANARY);
        store(cache, key, "bytes");
        cache.updateHistory("pipeline-1", Map.of("a", key.parts()));
        try (Stream<Path> files = Files.walk(dir.resolve("cache"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1)).as(f.toString())
                        .doesNotContain(CANARY);
            }
        }
        assertThat(cache.lookup(key.hash())).isPresent();
    }
}
