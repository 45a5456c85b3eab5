package dev.acp.local.support;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A 64-bit hash that is stable across JVMs, versions and machines (unlike {@link
 * String#hashCode()} mixing, which is stable too but collides far more), used to derive
 * deterministic choices from prompts and seeds.
 */
public final class StableHash {
    private StableHash() {}

    /** The first 8 bytes of SHA-256 over the UTF-8 parts, each followed by a NUL separator. */
    public static long of(Object... parts) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
        for (Object part : parts) {
            sha.update(String.valueOf(part).getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
        }
        byte[] digest = sha.digest();
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | (digest[i] & 0xFF);
        }
        return value;
    }
}
