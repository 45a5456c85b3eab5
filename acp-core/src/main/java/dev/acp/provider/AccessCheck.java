package dev.acp.provider;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What {@code acp doctor} found out about a provider with a call that costs nothing.
 *
 * @param detail what was checked and seen, one line, never a secret
 * @param fix what to do about a problem, or null when there is none
 */
public record AccessCheck(Status status, String detail, @Nullable String fix) {
    /** The outcome of one check. */
    public enum Status {
        OK,
        /** Works, with something worth knowing (a low balance, a slow answer). */
        WARNING,
        /** The credentials were refused: nothing will work until they are fixed. */
        REFUSED,
        /** The service could not be reached or answered with an error. */
        FAILED,
        /** Nothing was checked (no free call exists, or the check was skipped). */
        NOT_CHECKED
    }

    public AccessCheck {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
    }

    public static AccessCheck ok(String detail) {
        return new AccessCheck(Status.OK, detail, null);
    }

    public static AccessCheck notChecked(String detail) {
        return new AccessCheck(Status.NOT_CHECKED, detail, null);
    }
}
