package dev.acp.testkit.sync;

import java.math.BigDecimal;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** What a provider's routes make of a request: a free answer, or a paid one to bill before it is sent. */
sealed interface Outcome permits Outcome.Free, Outcome.Paid {

    /** Answered without billing: reads, and requests refused before any work. */
    record Free(Reply reply) implements Outcome {}

    /**
     * A request the provider does work for and bills.
     *
     * @param prompt what was asked, for the ledger
     * @param amount the price in US dollars
     * @param speech for ElevenLabs, the history item to create with the bill; null otherwise
     */
    record Paid(Reply reply, String prompt, BigDecimal amount, String requestId, @Nullable Speech speech)
            implements Outcome {
        public Paid {
            Objects.requireNonNull(reply, "reply");
            Objects.requireNonNull(amount, "amount");
        }
    }

    /** A speech request's history item, less what only billing knows (the date and the account's counter). */
    record Speech(String historyItemId, String requestId, String voiceId, String voiceName, String modelId,
            String text, long credits, String contentType, String outputFormat, byte[] audio) {}
}
