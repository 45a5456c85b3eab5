package dev.acp.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Who may call what: routes that change something always need {@code Authorization: Bearer
 * <token>}; on an address other than loopback every route but health checks does, since anyone
 * on the network can reach it.
 */
final class AccessGuard {
    private final byte[] token;
    private final boolean loopbackOnly;

    AccessGuard(String token, boolean loopbackOnly) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.loopbackOnly = loopbackOnly;
    }

    void check(Route.Access access, @Nullable String authorization) {
        boolean needed = switch (access) {
            case OPEN -> false;
            case READ -> !loopbackOnly;
            case CHANGE -> true;
        };
        if (!needed) {
            return;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ApiException(401, "unauthorized", "this address needs 'Authorization: Bearer <token>'; the token"
                    + " is in ACP_HOME/server-token", List.of(), Map.of());
        }
        byte[] given = authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        // Constant time: the answer's timing says nothing about how much of a guess was right.
        if (!MessageDigest.isEqual(given, token)) {
            throw new ApiException(401, "unauthorized", "the token is wrong; use the one in ACP_HOME/server-token",
                    List.of(), Map.of());
        }
    }
}
