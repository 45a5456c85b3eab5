package dev.acp.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Outputs are put in place without following links (issue 18). */
class SafePathsTest {
    @TempDir
    Path dir;
    @TempDir
    Path outside;

    @Test
    void move_into_place_refuses_a_folder_reached_through_a_link_and_removes_the_partial_file() throws IOException {
        Files.createDirectories(dir.resolve("out"));
        Files.createSymbolicLink(dir.resolve("out/link"), outside);
        Path partial = dir.resolve("out/link/.x.partial");
        Files.writeString(partial, "bytes");
        assertThatThrownBy(() -> AtomicFiles.moveIntoPlace(partial, dir.resolve("out/link/x.png")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(dir.resolve("out/link") + " is a symbolic link (to " + outside + ")");
        try (var files = Files.list(outside)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void move_into_place_refuses_a_link_higher_up_and_replaces_a_link_at_the_target_without_following_it()
            throws IOException {
        Files.createDirectories(outside.resolve("deep"));
        Files.createSymbolicLink(dir.resolve("up"), outside);
        Path partial = outside.resolve("deep/.x.partial");
        Files.writeString(partial, "bytes");
        assertThatThrownBy(() -> AtomicFiles.moveIntoPlace(partial, dir.resolve("up/deep/x.png")))
                .hasMessageContaining(dir.resolve("up") + " is a symbolic link");
        assertThat(partial).doesNotExist();

        Path victim = Files.writeString(outside.resolve("victim.txt"), "keep me");
        Files.createSymbolicLink(dir.resolve("x.png"), victim);
        Path ok = Files.writeString(dir.resolve(".x.partial"), "new");
        AtomicFiles.moveIntoPlace(ok, dir.resolve("x.png"));
        assertThat(Files.isSymbolicLink(dir.resolve("x.png"))).isFalse();
        assertThat(dir.resolve("x.png")).hasContent("new");
        assertThat(victim).hasContent("keep me");
    }

    @Test
    void replace_is_unchecked_for_acps_own_folders() throws IOException {
        Files.createSymbolicLink(dir.resolve("home"), outside);
        Path partial = Files.writeString(outside.resolve(".c.partial"), "cache");
        AtomicFiles.replace(partial, dir.resolve("home/c.json"));
        assertThat(outside.resolve("c.json")).hasContent("cache");
    }

    @Test
    void create_folders_makes_missing_folders_and_refuses_links_and_files_on_the_way() throws IOException {
        SafePaths.createFolders(dir, dir.resolve("a/b/c"));
        assertThat(dir.resolve("a/b/c")).isDirectory();
        Files.createSymbolicLink(dir.resolve("a/link"), outside);
        assertThatThrownBy(() -> SafePaths.createFolders(dir, dir.resolve("a/link/d")))
                .hasMessageContaining(dir.resolve("a/link") + " is a symbolic link");
        assertThat(outside.resolve("d")).doesNotExist();
        Files.writeString(dir.resolve("a/file"), "x");
        assertThatThrownBy(() -> SafePaths.createFolders(dir, dir.resolve("a/file/d")))
                .hasMessageContaining("a file is in the way of a folder");
        assertThatThrownBy(() -> SafePaths.createFolders(dir.resolve("a"), dir.resolve("elsewhere")))
                .hasMessageContaining("is outside the output folder");
    }

    @Test
    void first_link_below_and_real_path() throws IOException {
        Files.createDirectories(dir.resolve("a"));
        Files.createSymbolicLink(dir.resolve("a/l"), outside);
        assertThat(SafePaths.firstLinkBelow(dir, dir.resolve("a/l/x/y.png"))).contains(dir.resolve("a/l"));
        assertThat(SafePaths.firstLinkBelow(dir, dir.resolve("a/missing/y.png"))).isEmpty();
        assertThat(SafePaths.firstLinkBelow(dir.resolve("a/l"), dir.resolve("a/l/y.png"))).isEmpty();
        assertThat(SafePaths.real(dir.resolve("a/l/new/z"))).isEqualTo(outside.toRealPath().resolve("new/z"));
    }
}
