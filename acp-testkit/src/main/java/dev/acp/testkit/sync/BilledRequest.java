package dev.acp.testkit.sync;

import dev.acp.testkit.sync.FakeSyncServer.Provider;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * One request the fake billed, recorded at the moment it was billed: before its answer was sent,
 * so a client killed while the answer is on its way has still paid for it.
 *
 * @param path the request's path and query as received, for example
 *     {@code /elevenlabs/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM?output_format=mp3_44100_128}
 * @param bodySha256 the SHA-256 (hex) of the body's canonical JSON (keys sorted), so that two
 *     requests differing only in field order count as the same request
 * @param prompt what was asked: the user's text of a chat or Gemini request, the text of speech
 * @param amount what it cost in US dollars: tokens at the server's prices, or ElevenLabs credits
 *     at the price of a credit
 * @param requestId the provider's id of the request ({@code gen-...}, {@code chatcmpl-...},
 *     ElevenLabs' {@code request-id}, Gemini's {@code responseId})
 */
public record BilledRequest(
        Provider provider, String path, String bodySha256, String prompt, BigDecimal amount, Instant billedAt,
        String requestId) {

    public BilledRequest {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(bodySha256, "bodySha256");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(billedAt, "billedAt");
        Objects.requireNonNull(requestId, "requestId");
    }

    /** Provider, path and body: what makes two billed requests the same paid request. */
    public String sameRequestKey() {
        return provider + " " + path + " " + bodySha256;
    }
}
