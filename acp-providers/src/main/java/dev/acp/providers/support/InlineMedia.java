package dev.acp.providers.support;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.http.MediaSniffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Results that arrive inside the answer instead of behind a URL: {@code data:<type>;base64,...}
 * URIs (Replicate's {@code Prefer: wait} outputs, Runware's {@code dataURI}) and bare base64
 * (Runware's {@code base64Data}). Written with the same checks as a download: size limit, a body
 * that decodes whole, and first bytes that are the media the step produces.
 */
public final class InlineMedia {
    private InlineMedia() {}

    public static boolean isDataUri(String value) {
        return value.regionMatches(true, 0, "data:", 0, 5);
    }

    /**
     * Writes a data URI to {@code target}. Only {@code data:} is decoded here, never fetched: it
     * needs no network, and no other scheme reaches this method.
     *
     * @param accepted content-type prefixes of what the step produces; the decoded bytes must be
     *     media of that kind ({@link MediaSniffer}), whatever type the URI names
     * @return the number of bytes written
     */
    public static long writeDataUri(String uri, Path target, long maxBytes, List<String> accepted, String provider)
            throws ProviderException {
        int comma = uri.indexOf(',');
        if (comma < 0) {
            throw new ProviderException(ErrorKind.TRANSIENT, provider + ": the result is a malformed data URI");
        }
        String header = uri.substring(5, comma).toLowerCase(Locale.ROOT);
        String type = header.split(";")[0];
        if (!accepted.isEmpty() && !type.isEmpty() && accepted.stream().noneMatch(type::startsWith)
                && !type.equals("application/octet-stream")) {
            throw new ProviderException(ErrorKind.VALIDATION, provider + ": the result is " + type + ", not "
                    + String.join(" or ", accepted));
        }
        if (!header.endsWith(";base64")) {
            throw new ProviderException(ErrorKind.VALIDATION, provider + ": the result is a data URI that is not base64");
        }
        return writeBase64(uri.substring(comma + 1), target, maxBytes, accepted, provider);
    }

    /**
     * Writes bare base64 text to {@code target}; the number of bytes written. The decoded bytes
     * must be media of the accepted kind, and nothing is left behind when they are not.
     */
    public static long writeBase64(String base64, Path target, long maxBytes, List<String> accepted, String provider)
            throws ProviderException {
        if ((long) base64.length() / 4 * 3 > maxBytes) {
            throw new ProviderException(ErrorKind.VALIDATION, provider + ": the result is over the limit of "
                    + maxBytes / (1024 * 1024) + " MB");
        }
        byte[] bytes;
        try {
            bytes = Base64.getMimeDecoder().decode(base64.getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new ProviderException(ErrorKind.TRANSIENT, provider + ": the inline result cannot be decoded: "
                    + e.getMessage());
        }
        if (bytes.length == 0) {
            throw new ProviderException(ErrorKind.TRANSIENT, provider + ": the inline result is empty");
        }
        List<MediaSniffer.Kind> kinds = MediaSniffer.kinds(accepted);
        String misfit = MediaSniffer.misfit(bytes, Math.min(bytes.length, MediaSniffer.HEAD_BYTES), kinds);
        if (misfit != null) {
            throw new ProviderException(ErrorKind.VALIDATION, provider + ": the inline result is " + misfit + ", not "
                    + MediaSniffer.expected(kinds));
        }
        write(bytes, target, provider);
        return bytes.length;
    }

    /** Writes a checked result; a failed write leaves no file. */
    public static void write(byte[] bytes, Path target, String provider) throws ProviderException {
        try {
            Files.write(target, bytes);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(target);
            } catch (IOException ignored) {
                // The engine removes its temporary names too.
            }
            throw new ProviderException(ErrorKind.LOCAL, provider + ": cannot write " + target + ": " + e.getMessage(), e);
        }
    }
}
