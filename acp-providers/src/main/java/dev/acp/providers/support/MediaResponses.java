package dev.acp.providers.support;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.http.HttpResult;
import dev.acp.http.MediaSniffer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Writes the media body of a paid call to its output file: for APIs whose generation call
 * answers with the media itself (ElevenLabs and OpenAI-style speech), sent once with
 * {@link dev.acp.http.HttpTransport#execute} and {@link dev.acp.http.HttpCall.Retry#ONCE}.
 *
 * <p>{@code HttpTransport.download} cannot be used for such calls: it retries a failed or short
 * body by sending the request again, which for a generation means paying again. The checks here
 * are those of a download (content type, announced length, an empty body), but a body that fails
 * them is an {@link ErrorKind#UNKNOWN_OUTCOME}: the provider answered 2xx, so it has most likely
 * billed the call, and only the user should decide to pay for it again. What the body is is told
 * by its first bytes ({@link MediaSniffer}), whatever its content type says; nothing is written
 * unless it passes.
 */
public final class MediaResponses {
    private MediaResponses() {}

    /**
     * Checks a successful answer and writes its body to {@code target}.
     *
     * @param acceptedTypes content-type prefixes of what the step produces ("audio/"): the body's
     *     first bytes must be media of that kind
     * @param requestId the provider's id of the call, for the error message and for tracing
     * @return the number of bytes written
     */
    public static long write(HttpResult response, Path target, List<String> acceptedTypes, String provider,
            @Nullable String requestId) throws ProviderException {
        String trace = requestId == null ? "" : " [request " + requestId + "]";
        String paid = "; it was not sent again because the provider has probably billed it (run the step again to retry)";
        String type = response.header("Content-Type").orElse("").toLowerCase(Locale.ROOT).trim();
        byte[] body = response.body();
        if (body.length == 0) {
            throw new ProviderException(ErrorKind.UNKNOWN_OUTCOME, provider + ": the answer has no content" + paid
                    + trace, null, requestId, null);
        }
        // The bytes decide, not the header: an error page sent as audio/mpeg is no speech.
        List<MediaSniffer.Kind> kinds = MediaSniffer.kinds(acceptedTypes);
        String misfit = MediaSniffer.misfit(body, Math.min(body.length, MediaSniffer.HEAD_BYTES), kinds);
        if (misfit != null) {
            boolean text = List.of("HTML", "JSON", "XML", "text").contains(misfit);
            throw new ProviderException(ErrorKind.UNKNOWN_OUTCOME, provider + ": the answer is " + misfit
                    + (type.isEmpty() ? "" : " (sent as " + type + ")") + ", not " + MediaSniffer.expected(kinds)
                    + (text ? ": " + response.excerpt() : "") + paid + trace, null, requestId, null);
        }
        long announced = response.header("Content-Length").map(MediaResponses::parseLong).orElse(-1L);
        if (announced >= 0 && announced != body.length) {
            throw new ProviderException(ErrorKind.UNKNOWN_OUTCOME, provider + ": the answer was cut short ("
                    + body.length + " of " + announced + " bytes)" + paid + trace, null, requestId, null);
        }
        try {
            Files.write(target, body);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(target);
            } catch (IOException ignored) {
                // The engine removes its temporary names too.
            }
            throw new ProviderException(ErrorKind.LOCAL, provider + ": cannot write " + target + ": " + e.getMessage()
                    + trace, null, requestId, e);
        }
        return body.length;
    }

    private static long parseLong(String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
