package dev.acp.providers.support;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.http.HttpResult;
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
 * billed the call, and only the user should decide to pay for it again.
 */
public final class MediaResponses {
    private MediaResponses() {}

    /**
     * Checks a successful answer and writes its body to {@code target}.
     *
     * @param acceptedTypes content-type prefixes that fit ("audio/"); {@code application/octet-stream}
     *     and a missing content type are accepted too
     * @param requestId the provider's id of the call, for the error message and for tracing
     * @return the number of bytes written
     */
    public static long write(HttpResult response, Path target, List<String> acceptedTypes, String provider,
            @Nullable String requestId) throws ProviderException {
        String trace = requestId == null ? "" : " [request " + requestId + "]";
        String paid = "; it was not sent again because the provider has probably billed it (run the step again to retry)";
        String type = response.header("Content-Type").orElse("").toLowerCase(Locale.ROOT).trim();
        if (!type.isEmpty() && acceptedTypes.stream().noneMatch(type::startsWith)
                && !type.startsWith("application/octet-stream") && !type.startsWith("binary/")) {
            throw new ProviderException(ErrorKind.UNKNOWN_OUTCOME, provider + ": the answer is " + type + ", not "
                    + String.join(" or ", acceptedTypes.stream().map(t -> t.endsWith("/") ? t + "*" : t).toList()) + ": " + response.excerpt() + paid + trace, null, requestId,
                    null);
        }
        byte[] body = response.body();
        if (body.length == 0) {
            throw new ProviderException(ErrorKind.UNKNOWN_OUTCOME, provider + ": the answer has no content" + paid
                    + trace, null, requestId, null);
        }
        long announced = response.header("Content-Length").map(MediaResponses::parseLong).orElse(-1L);
        if (announced >= 0 && announced != body.length) {
            throw new ProviderException(ErrorKind.UNKNOWN_OUTCOME, provider + ": the answer was cut short ("
                    + body.length + " of " + announced + " bytes)" + paid + trace, null, requestId, null);
        }
        try {
            Files.write(target, body);
        } catch (IOException e) {
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
