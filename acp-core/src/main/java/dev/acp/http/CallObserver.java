package dev.acp.http;

import dev.acp.error.ErrorKind;

/**
 * Sees every HTTP attempt the transport makes: how long it waited for its provider's
 * {@link Governor}, how long the exchange took, and how it failed. Metrics are kept this way
 * ({@link dev.acp.metrics.AcpMetrics}); without an observer ({@link #NONE}) nothing is measured.
 * Called from the callers' threads, concurrently.
 */
public interface CallObserver {
    /** Observes nothing, at no cost. */
    CallObserver NONE = (provider, endpoint) -> Attempt.NONE;

    /**
     * What an attempt was for. A fixed set derived from the call itself, never from its URL, so
     * that a label made of it stays bounded and says nothing about a prompt or a key.
     */
    enum Endpoint {
        /** A paid submission, sent once ({@link HttpCall.Retry#ONCE}, not a GET). */
        SUBMIT,
        /** Any other request that starts work or sends data, retried when safe. */
        REQUEST,
        /** A GET or HEAD answered in memory: a status poll, a result, a listing. */
        READ,
        /** A result streamed to a file. */
        DOWNLOAD;

        /** Lower-case name used in labels, for example {@code submit}. */
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static Endpoint of(HttpCall call, boolean download) {
            if (download) {
                return DOWNLOAD;
            }
            if (call.traffic() == Governor.Traffic.FOLLOW_UP) {
                return READ;
            }
            return call.retry() == HttpCall.Retry.ONCE ? SUBMIT : REQUEST;
        }
    }

    /** An attempt is about to ask its provider's governor for a permit. */
    Attempt started(String provider, Endpoint endpoint);

    /** One attempt, told what happened to it once each. */
    interface Attempt {
        Attempt NONE = new Attempt() {};

        /** The governor let the attempt go: the wait is over and the exchange begins. */
        default void permitted() {}

        /** The provider answered with success. */
        default void succeeded() {}

        /** The attempt failed, classified. */
        default void failed(ErrorKind kind) {}

        /** The attempt was interrupted (a cancelled run): neither a success nor the provider's error. */
        default void abandoned() {}
    }
}
