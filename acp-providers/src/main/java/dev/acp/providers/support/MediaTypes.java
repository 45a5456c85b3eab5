package dev.acp.providers.support;

import dev.acp.pipeline.Capability;
import java.util.List;

/** Content types a download may have for each kind of output. */
public final class MediaTypes {
    private MediaTypes() {}

    public static List<String> accepted(Capability capability) {
        return switch (capability.outputKind()) {
            case IMAGE -> List.of("image/");
            case AUDIO -> List.of("audio/", "video/mp4");
            case VIDEO -> List.of("video/");
            case TEXT -> List.of("text/", "application/json");
        };
    }
}
