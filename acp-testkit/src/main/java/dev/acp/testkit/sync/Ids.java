package dev.acp.testkit.sync;

import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Request and history ids: unique on one server (a counter that survives {@code reset()}, so an
 * id from before a reset never names something after it) and distinct between servers (each
 * mixes in its own port).
 */
final class Ids {
    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private final AtomicLong counter = new AtomicLong();
    private final String salt;

    Ids(String salt) {
        this.salt = salt;
    }

    /** {@code length} lower-case hex digits. */
    String hex(String kind, int length) {
        return HexFormat.of().formatHex(digest(kind)).substring(0, length);
    }

    /** {@code length} letters and digits, as ElevenLabs' ids ({@code 21m00Tcm4TlvDq8ikWAM}). */
    String alnum(String kind, int length) {
        byte[] d = digest(kind);
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(ALNUM.charAt(Math.floorMod(d[i % d.length] + i / d.length, ALNUM.length())));
        }
        return out.toString();
    }

    private byte[] digest(String kind) {
        return Bodies.sha256(salt + "/" + kind + "/" + counter.incrementAndGet());
    }
}
