package dev.acp.local;

import dev.acp.local.image.ImageFormat;
import dev.acp.pipeline.Capability;
import java.util.List;
import java.util.Optional;

/** The output file extensions each capability can write, checked before anything runs. */
final class OutputFormats {
    static final List<String> AUDIO = List.of("wav", "mp3", "ogg", "opus", "flac", "m4a", "aac");
    static final List<String> VIDEO = List.of("mp4", "mov", "mkv");
    static final List<String> TEXT = List.of("txt", "md", "text", "json");

    private OutputFormats() {}

    /** Checks {@code extension} for {@code capability}, recording an issue when it cannot be written. */
    static void check(Capability capability, String extension, Params params) {
        Optional<String> problem = switch (capability.outputKind()) {
            case IMAGE -> ImageFormat.fromExtension(extension).isPresent()
                    ? Optional.empty()
                    : Optional.of("use an output_filename ending in " + ImageFormat.extensions());
            case AUDIO -> AUDIO.contains(extension) ? Optional.empty() : Optional.of("use an output_filename ending in ." + String.join(", .", AUDIO));
            case VIDEO -> VIDEO.contains(extension) ? Optional.empty() : Optional.of("use an output_filename ending in ." + String.join(", .", VIDEO));
            case TEXT -> extension.isEmpty() || TEXT.contains(extension) ? Optional.empty() : Optional.of("use an output_filename ending in .txt, .md or .json");
        };
        problem.ifPresent(fix -> params.issue(null, "the local provider cannot write "
                + (extension.isEmpty() ? "files without an extension" : "." + extension + " files") + " for " + capability, fix));
    }
}
