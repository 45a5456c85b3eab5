package dev.acp.plan;

import dev.acp.provider.Capability;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** File extensions that fit each kind of output, so that a step cannot write audio into a .png. */
public final class OutputFiles {
    private static final Map<Capability.OutputKind, List<String>> EXTENSIONS = Map.of(
            Capability.OutputKind.IMAGE, List.of("png", "jpg", "jpeg", "webp", "bmp", "gif", "tif", "tiff"),
            Capability.OutputKind.AUDIO, List.of("mp3", "wav", "ogg", "opus", "flac", "m4a", "aac"),
            Capability.OutputKind.VIDEO, List.of("mp4", "mov", "mkv", "webm", "avi"),
            Capability.OutputKind.TEXT, List.of("txt", "md", "json"));

    private OutputFiles() {}

    public static List<String> extensions(Capability.OutputKind kind) {
        return EXTENSIONS.get(kind);
    }

    /** Lower-case extension without the dot, or "" when the name has none. */
    public static String extension(String fileName) {
        int slash = Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\'));
        String base = fileName.substring(slash + 1);
        int dot = base.lastIndexOf('.');
        return dot <= 0 ? "" : base.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
