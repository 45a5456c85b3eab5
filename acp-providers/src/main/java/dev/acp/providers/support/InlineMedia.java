package dev.acp.providers.support;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Results that arrive inside the answer instead of behind a URL: {@code data:<type>;base64,...}
 * URIs (Replicate's {@code Prefer: wait} outputs, Runware's {@code dataURI}) and bare base64
 * (Runware's {@code base64Data}). Written with the same checks as a download: content type, size
 * limit, and a body that decodes whole.
 */
public final class InlineMedia {
    private InlineMedia() {}

    public static boolean isDataUri(String value) {
        return value.regionMatches(true, 0, "data:", 0, 5);
    }

    /**
     * Writes a data URI to {@code target}, decoding as it goes.
     *
     * @param accepted content-type prefixes that fit; empty accepts any
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
        return writeBase64(uri.substring(comma + 1), target, maxBytes, provider);
    }

    /** Writes bare base64 text to {@code target}; the number of bytes written. */
    public static long writeBase64(String base64, Path target, long maxBytes, String provider) throws ProviderException {
        if ((long) base64.length() / 4 * 3 > maxBytes) {
            throw new ProviderException(ErrorKind.VALIDATION, provider + ": the result is over the limit of "
                    + maxBytes / (1024 * 1024) + " MB");
        }
        byte[] ascii = base64.getBytes(StandardCharsets.US_ASCII);
        try (InputStream in = Base64.getMimeDecoder().wrap(new ByteArrayInputStream(ascii));
                OutputStream out = Files.newOutputStream(target)) {
            long n = in.transferTo(out);
            if (n == 0) {
                throw new ProviderException(ErrorKind.TRANSIENT, provider + ": the inline result is empty");
            }
            return n;
        } catch (IOException | IllegalArgumentException e) {
            throw new ProviderException(ErrorKind.TRANSIENT, provider + ": the inline result cannot be decoded: "
                    + e.getMessage());
        }
    }
}
