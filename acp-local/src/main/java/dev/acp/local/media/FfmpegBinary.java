package dev.acp.local.media;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The ffmpeg program a provider will run, and where it was found.
 *
 * @param path absolute path of the executable
 * @param source which rule of the resolution order chose it
 */
public record FfmpegBinary(Path path, Source source) {

    /** The rule of the resolution order that found the binary. */
    public enum Source {
        /** The {@code ACP_FFMPEG} environment variable. */
        ENVIRONMENT,
        /** {@code ffmpeg} on the {@code PATH}. */
        PATH,
        /** The static build extracted from the jave-nativebin jar. */
        BUNDLED
    }

    public FfmpegBinary {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(source, "source");
    }
}
