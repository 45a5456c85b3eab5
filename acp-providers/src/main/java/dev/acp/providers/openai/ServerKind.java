package dev.acp.providers.openai;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What an OpenAI-compatible base URL points at. It decides whether a key is needed, whether calls
 * cost money, what an unreported cost means, and the governor's limits. Decided from the URL's
 * host alone, without a DNS lookup: validation must not wait on the network, and a name that
 * does not resolve would otherwise change the answer.
 */
enum ServerKind {
    /** {@code api.openai.com}: a key is required, calls are paid, answers carry no price. */
    OPENAI,
    /**
     * A server on this machine or the private network (Ollama, LM Studio, vLLM, llama.cpp): no
     * key needed, nothing is paid, so an answer without a price costs zero.
     */
    LOCAL,
    /**
     * Any other host (a hosted OpenAI-compatible API, a gateway): may cost money, and when the
     * answer names no price the cost is unknown, not zero. Whether it needs a key only the server
     * knows; a missing one shows as an AUTH failure.
     */
    REMOTE;

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    /** Suffixes that never resolve on the public internet (RFC 6761, 6762, 8375 and common LAN use). */
    private static final List<String> PRIVATE_SUFFIXES =
            List.of(".localhost", ".local", ".lan", ".internal", ".home.arpa");

    static ServerKind of(URI base) {
        String host = base.getHost();
        if (host == null || host.isBlank()) {
            return REMOTE;
        }
        host = host.toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.equals("api.openai.com")) {
            return OPENAI;
        }
        if (host.equals("localhost") || PRIVATE_SUFFIXES.stream().anyMatch(host::endsWith)) {
            return LOCAL;
        }
        if (IPV4.matcher(host).matches() || host.contains(":")) {
            return privateAddress(host) ? LOCAL : REMOTE;
        }
        // A single-label name ("ollama" in a compose file, "gpu-box" on a LAN) cannot be a
        // public internet host.
        return host.contains(".") ? REMOTE : LOCAL;
    }

    /** Loopback, RFC 1918, link-local, shared (100.64/10) and IPv6 unique-local addresses. */
    private static boolean privateAddress(String literal) {
        InetAddress a;
        try {
            // A literal address is parsed, never looked up.
            a = InetAddress.getByName(literal);
        } catch (UnknownHostException | SecurityException e) {
            return false;
        }
        byte[] b = a.getAddress();
        boolean shared = b.length == 4 && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64;
        boolean uniqueLocal = b.length == 16 && (b[0] & 0xfe) == 0xfc;
        return a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
                || shared || uniqueLocal;
    }
}
