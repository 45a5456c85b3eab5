package dev.acp.cache;

import dev.acp.util.Hashing;
import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.pipeline.Capability;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Side files and folders stored with a cache entry: content-addressed, verified on restore. */
class ArtifactCacheSideFilesTest {
    @TempDir
    Path dir;

    private CacheKey key() throws IOException {
        return CacheKey.of(Capability.ASSEMBLE_VIDEO, "local", "1", null, Map.of("scenes", "three"), Set.of(), "mp4",
                new FileHashes());
    }

    /** Stores story.mp4 with story.srt and the folder story_keyframes/ (a.png, sub/b.png). */
    private CacheEntry store(ArtifactCache cache) throws IOException {
        Path out = Files.writeString(dir.resolve("story.mp4"), "video");
        Path srt = Files.writeString(dir.resolve("story.srt"), "1\n00:00:00,000 --> 00:00:01,000\nHi\n");
        Path keys = Files.createDirectories(dir.resolve("story_keyframes/sub")).getParent();
        Files.writeString(keys.resolve("a.png"), "frame a");
        Files.writeString(keys.resolve("sub/b.png"), "frame b");
        Map<SideObject, Path> sides = new LinkedHashMap<>();
        sides.put(new SideObject(".srt", Hashing.sha256(srt), false), srt);
        sides.put(new SideObject("_keyframes", Hashing.sha256OfFileOrFolder(keys), true), keys);
        return cache.store(key(), out, Hashing.sha256(out), null, "mp4", Map.of(), null, true, "local", null, null,
                List.of(), sides);
    }

    @Test
    void side_files_and_folders_are_stored_with_the_entry_and_restored_from_it() throws IOException {
        ArtifactCache cache = new ArtifactCache(dir.resolve("cache"));
        store(cache);

        CacheEntry hit = cache.lookup(key().hash()).orElseThrow();
        assertThat(hit.sideFiles()).extracting(SideObject::suffix).containsExactly(".srt", "_keyframes");
        assertThat(cache.restoreSideFile(hit.sideFiles().get(0), dir.resolve("copy.srt"))).isTrue();
        assertThat(dir.resolve("copy.srt")).hasSameTextualContentAs(dir.resolve("story.srt"));
        Path folder = dir.resolve("copy_keyframes");
        assertThat(cache.restoreSideFile(hit.sideFiles().get(1), folder)).isTrue();
        assertThat(folder.resolve("a.png")).hasContent("frame a");
        assertThat(folder.resolve("sub/b.png")).hasContent("frame b");
        assertThat(Hashing.sha256OfFileOrFolder(folder)).isEqualTo(hit.sideFiles().get(1).sha256());
    }

    @Test
    void a_damaged_or_missing_side_object_is_a_miss() throws IOException {
        ArtifactCache cache = new ArtifactCache(dir.resolve("cache"));
        CacheEntry e = store(cache);
        SideObject keys = e.sideFiles().get(1);

        // A file inside the folder damaged: the restore fails and leaves nothing half-restored.
        Path frame = cache.object(Hashing.sha256("frame b")).orElseThrow();
        Files.writeString(frame, "flipped bits");
        Path target = dir.resolve("restored_keyframes");
        assertThat(cache.restoreSideFile(keys, target)).isFalse();
        assertThat(target).doesNotExist();
        assertThat(frame).doesNotExist();

        // The subtitles gone: the entry is no longer offered.
        store(cache);
        assertThat(cache.lookup(e.key())).isPresent();
        Files.delete(cache.object(e.sideFiles().get(0).sha256()).orElseThrow());
        assertThat(cache.lookup(e.key())).isEmpty();
    }

    @Test
    void a_folder_manifest_that_points_outside_its_folder_is_refused() throws IOException {
        ArtifactCache cache = new ArtifactCache(dir.resolve("cache"));
        store(cache);
        String sha = Hashing.sha256("frame a");
        String manifest = sha + " ../escaped.png\n";
        Path object = dir.resolve("cache/objects").resolve(Hashing.sha256(manifest).substring(0, 2))
                .resolve(Hashing.sha256(manifest));
        Files.createDirectories(object.getParent());
        Files.writeString(object, manifest, StandardCharsets.UTF_8);

        assertThat(cache.restoreSideFile(new SideObject("_keyframes", Hashing.sha256(manifest), true),
                dir.resolve("evil_keyframes"))).isFalse();
        assertThat(dir.resolve("escaped.png")).doesNotExist();
        assertThat(dir.resolve("evil_keyframes")).doesNotExist();
    }
}
