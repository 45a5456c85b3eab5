package dev.acp.server;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Tickets for what a browser fetches without letting the page add an {@code Authorization} header:
 * an {@code EventSource} and the {@code <img>}, {@code <audio>} and {@code <video>} players. Off
 * loopback the page asks for one with its token ({@code POST /api/runs/{id}/ticket}) and puts it
 * in those addresses ({@code ?ticket=}). A ticket opens the event stream and the output files of
 * one run and nothing else (not its state, not another run, nothing that changes), for a few
 * minutes: it is an HMAC over the run id and the expiry, keyed by a secret
 * made at start-up, so it can be neither forged nor moved to another run, dies with the server,
 * and needs no state. The token itself never goes into an address, where logs and histories keep it.
 */
final class StreamTickets implements Router.Admission {
    static final Duration LIFETIME = Duration.ofMinutes(5);
    /** The routes a ticket opens, each for the run it was issued for. */
    static final java.util.Set<String> PATHS = java.util.Set.of("/api/runs/{id}/events", "/api/runs/{id}/files/{path+}");

    /** A ticket and when it stops opening streams. */
    record Ticket(String value, Instant expiresAt) {
        @Override
        public String toString() {
            return "Ticket[expires " + expiresAt + "]"; // never the value
        }
    }

    private final byte[] key;
    private final Clock clock;

    StreamTickets(SecureRandom random, Clock clock) {
        this.key = new byte[32];
        random.nextBytes(key);
        this.clock = clock;
    }

    Ticket issue(String runId) {
        long expires = clock.instant().plus(LIFETIME).getEpochSecond();
        return new Ticket(expires + "." + sign(runId, expires), Instant.ofEpochSecond(expires));
    }

    /** Whether {@code ticket} was issued here for {@code runId} and has not expired. */
    boolean valid(String runId, String ticket) {
        int dot = ticket.indexOf('.');
        if (dot <= 0) {
            return false;
        }
        long expires;
        try {
            expires = Long.parseLong(ticket.substring(0, dot));
        } catch (NumberFormatException e) {
            return false;
        }
        byte[] given = ticket.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
        byte[] expected = sign(runId, expires).getBytes(StandardCharsets.US_ASCII);
        // Constant time, and the expiry only after the signature: nothing learnt from timing.
        return MessageDigest.isEqual(given, expected) && clock.instant().getEpochSecond() < expires;
    }

    /** Lets a GET of a run's event stream or output file in with a valid ticket; every other route is left to the token. */
    @Override
    public boolean admits(Route route, HttpCall call) {
        if (!route.method().equals("GET") || !PATHS.contains(route.path())) {
            return false;
        }
        Optional<String> ticket = call.query("ticket");
        return ticket.isPresent() && valid(call.pathParameter("id"), ticket.get());
    }

    private String sign(String runId, long expires) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] sig = mac.doFinal((runId + "\n" + expires).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }
}
