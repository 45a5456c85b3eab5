package dev.acp.local.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.acp.env.Environment;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.local.testing.TestHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

class FfmpegLocatorTest {

    @Test
    void should_prefer_ACP_FFMPEG_over_everything_else(@TempDir Path dir) throws Exception {
        Path fake = executable(dir.resolve("my-ffmpeg"));
        Path onPath = executable(dir.resolve("bin").resolve("ffmpeg"));
        Environment env = Environment.of(Map.of("ACP_FFMPEG", fake.toString(), "PATH", onPath.getParent().toString()));

        FfmpegBinary binary = new FfmpegLocator(env, dir.resolve("home")).locate();

        assertThat(binary.path()).isEqualTo(fake);
        assertThat(binary.source()).isEqualTo(FfmpegBinary.Source.ENVIRONMENT);
    }

    @Test
    void should_reject_an_ACP_FFMPEG_that_is_not_executable(@TempDir Path dir) {
        Environment env = Environment.of(Map.of("ACP_FFMPEG", dir.resolve("missing").toString()));

        assertThatThrownBy(() -> new FfmpegLocator(env, dir).locate())
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.LOCAL))
                .hasMessageContaining("ACP_FFMPEG points to")
                .hasMessageContaining("not an executable file");
    }

    @Test
    void should_use_ffmpeg_on_the_injected_path_before_the_bundled_one(@TempDir Path dir) throws Exception {
        Path onPath = executable(dir.resolve("bin").resolve("ffmpeg"));
        Environment env = Environment.of(Map.of("PATH", onPath.getParent().toString()));

        FfmpegBinary binary = new FfmpegLocator(env, dir.resolve("home")).locate();

        assertThat(binary).isEqualTo(new FfmpegBinary(onPath, FfmpegBinary.Source.PATH));
        assertThat(dir.resolve("home")).doesNotExist();
    }

    @Test
    void should_explain_how_to_get_ffmpeg_on_platforms_without_the_bundled_build(@TempDir Path dir) {
        FfmpegLocator locator = new FfmpegLocator(TestHome.isolatedEnvironment(), dir, "Mac OS X", "aarch64",
                getClass().getClassLoader());

        assertThatThrownBy(locator::locate)
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("install ffmpeg")
                .hasMessageContaining("ACP_FFMPEG")
                .hasMessageContaining("Mac OS X aarch64")
                .hasMessageNotContaining("\n");
    }

    @Test
    @EnabledOnOs(value = OS.LINUX, architectures = {"amd64", "x86_64"})
    void should_extract_the_bundled_ffmpeg_once_and_make_it_executable() throws Exception {
        FfmpegLocator locator = new FfmpegLocator(TestHome.isolatedEnvironment(), TestHome.acpHome());

        FfmpegBinary binary = locator.locate();

        assertThat(binary.source()).isEqualTo(FfmpegBinary.Source.BUNDLED);
        assertThat(binary.path()).isEqualTo(TestHome.acpHome().resolve("tools").resolve("ffmpeg-4.4.1-amd64"));
        assertThat(Files.isExecutable(binary.path())).isTrue();
        assertThat(Files.size(binary.path())).isEqualTo(77_173_696L);
        assertThat(locator.locate()).isSameAs(binary);
    }

    @Test
    @EnabledOnOs(value = OS.LINUX, architectures = {"amd64", "x86_64"})
    void should_replace_a_truncated_extraction_and_survive_concurrent_extractions(@TempDir Path home) throws Exception {
        Path target = home.resolve("tools").resolve("ffmpeg-4.4.1-amd64");
        Files.createDirectories(target.getParent());
        Files.writeString(target, "truncated by an earlier crash");

        // Two locators stand for two processes extracting into the same home at once.
        List<Callable<FfmpegBinary>> extractions = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            FfmpegLocator locator = new FfmpegLocator(TestHome.isolatedEnvironment(), home);
            extractions.add(locator::locate);
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            for (Future<FfmpegBinary> f : pool.invokeAll(extractions)) {
                assertThat(f.get().path()).isEqualTo(target);
            }
        }

        assertThat(Files.size(target)).isEqualTo(77_173_696L);
        assertThat(Files.isExecutable(target)).isTrue();
        try (var leftovers = Files.list(target.getParent())) {
            assertThat(leftovers.map(p -> p.getFileName().toString())).containsExactly("ffmpeg-4.4.1-amd64");
        }
        var result = new Ffmpeg(new FfmpegLocator(TestHome.isolatedEnvironment(), home)).execute(List.of("-version"), l -> {});
        assertThat(result.succeeded()).isTrue();
    }

    private static Path executable(Path file) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/bin/sh\nexit 0\n");
        assertThat(file.toFile().setExecutable(true)).isTrue();
        return file.toAbsolutePath();
    }
}
