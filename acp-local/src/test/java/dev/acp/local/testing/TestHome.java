package dev.acp.local.testing;

import dev.acp.env.Environment;
import dev.acp.local.media.Ffmpeg;
import dev.acp.local.media.MediaProbe;
import java.nio.file.Path;
import java.util.Map;

/**
 * The state folder shared by all tests on a machine, so the 77 MB bundled ffmpeg is extracted
 * once rather than per test, and an environment with an empty {@code PATH}, so tests use the
 * bundled ffmpeg and FreeTTS whatever the machine has installed.
 */
public final class TestHome {
    private TestHome() {}

    public static Path acpHome() {
        return Path.of(System.getProperty("java.io.tmpdir"), "acp-test-home");
    }

    public static Environment isolatedEnvironment() {
        return Environment.of(Map.of("PATH", ""));
    }

    public static Ffmpeg ffmpeg() {
        return Ffmpeg.locate(isolatedEnvironment(), acpHome());
    }

    public static MediaProbe probe() {
        return new MediaProbe(ffmpeg());
    }
}
