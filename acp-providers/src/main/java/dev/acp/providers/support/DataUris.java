package dev.acp.providers.support;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/** Local files as {@code data:} URIs, for providers that take inputs inline. */
public final class DataUris {
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"),
            Map.entry("webp", "image/webp"), Map.entry("gif", "image/gif"), Map.entry("bmp", "image/bmp"),
            Map.entry("mp3", "audio/mpeg"), Map.entry("wav", "audio/wav"), Map.entry("ogg", "audio/ogg"),
            Map.entry("flac", "audio/flac"), Map.entry("m4a", "audio/mp4"), Map.entry("mp4", "video/mp4"),
            Map.entry("mov", "video/quicktime"), Map.entry("webm", "video/webm"), Map.entry("txt", "text/plain"));

    private DataUris() {}

    /** The media type of a file by its extension, or {@code application/octet-stream}. */
    public static String mediaType(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(ext, "application/octet-stream");
    }

    /** The file as {@code data:<type>;base64,...}; files above {@code maxBytes} are refused. */
    public static String of(Path file, long maxBytes, String provider) throws ProviderException {
        try {
            long size = Files.size(file);
            if (size > maxBytes) {
                throw new ProviderException(ErrorKind.VALIDATION, provider + ": " + file.getFileName() + " is "
                        + size / (1024 * 1024) + " MB; inline inputs are limited to " + maxBytes / (1024 * 1024) + " MB");
            }
            return "data:" + mediaType(file) + ";base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new ProviderException(ErrorKind.VALIDATION, provider + ": cannot read the input file " + file + ": "
                    + e.getMessage());
        }
    }
}
