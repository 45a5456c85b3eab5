package dev.acp.http;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Where one provider's requests may go: the origins (scheme, host and port) of the base URLs ACP
 * was configured with, which alone receive the provider's credentials, and whether the provider
 * may be sent to loopback, link-local and private addresses (when one of its base URLs is such an
 * address, or the user set {@code ACP_ALLOW_PRIVATE_URLS=1}).
 *
 * <p>Providers register their base URLs when they are created ({@link Governor#withBaseUrls});
 * nothing here resolves a name then, so validating a pipeline never touches DNS. The transport
 * asks at send time, for every request and every redirect hop.
 */
public final class Destinations {
    /** The environment variable that lets every provider reach private addresses. */
    public static final String ALLOW_PRIVATE_VARIABLE = "ACP_ALLOW_PRIVATE_URLS";

    /** Resolves a host name to all of its addresses; injectable so tests need no DNS. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;

        Resolver SYSTEM = InetAddress::getAllByName;
    }

    /**
     * An origin: {@code https://api.example.com:443}. An {@code http} base URL is its own origin;
     * any other scheme counts as {@code https}.
     */
    public record Origin(String scheme, String host, int port) {
        /** The origin of an absolute http(s) URL, or null for anything else. */
        public static @Nullable Origin of(URI uri) {
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            String host = uri.getHost();
            if (!(scheme.equals("http") || scheme.equals("https")) || host == null || host.isEmpty()) {
                return null;
            }
            int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("http") ? 80 : 443;
            return new Origin(scheme, canonicalHost(host), port);
        }

        @Override
        public String toString() {
            return scheme + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    private final String provider;
    private final boolean privateAllowedByUser;
    private final Set<Origin> origins = ConcurrentHashMap.newKeySet();
    private final Set<String> baseUrls = ConcurrentHashMap.newKeySet();
    private volatile @Nullable Boolean baseIsPrivate;

    public Destinations(String provider, boolean privateAllowedByUser) {
        this.provider = provider;
        this.privateAllowedByUser = privateAllowedByUser;
    }

    public String provider() {
        return provider;
    }

    /**
     * Adds a configured base URL: its origin may receive the provider's credentials. A URL that is
     * not an absolute http(s) URL adds nothing (the provider reports it when it calls it).
     */
    public void addBaseUrl(String baseUrl) {
        try {
            Origin o = Origin.of(new URI(baseUrl.strip()));
            if (o != null && origins.add(o)) {
                baseUrls.add(o.toString());
                baseIsPrivate = null;
            }
        } catch (URISyntaxException e) {
            // Not a URL: nothing may receive credentials because of it.
        }
    }

    /** The configured origins, for messages and tests. */
    public Set<Origin> origins() {
        return Set.copyOf(origins);
    }

    /** Whether the provider's credentials may go to {@code uri}: same scheme, host and port as a base URL. */
    public boolean mayReceiveCredentials(URI uri) {
        Origin o = Origin.of(uri);
        return o != null && origins.contains(o);
    }

    /** The configured base URLs as one phrase for a message ("http://127.0.0.1:8080"). */
    String configured() {
        return baseUrls.isEmpty() ? "none configured" : String.join(", ", new java.util.TreeSet<>(baseUrls));
    }

    /** Whether ACP_ALLOW_PRIVATE_URLS=1 was set. */
    public boolean privateAllowedByUser() {
        return privateAllowedByUser;
    }

    /**
     * Whether requests may go to loopback, link-local and private addresses: the user allowed it,
     * or one of the provider's base URLs is such an address (a local server, a test). Resolves
     * the base hosts once, at the first request that needs to know.
     */
    boolean privateAllowed(Resolver resolver) {
        if (privateAllowedByUser) {
            return true;
        }
        Boolean known = baseIsPrivate;
        if (known != null) {
            return known;
        }
        boolean any = false;
        for (Origin o : origins) {
            try {
                for (InetAddress a : resolver.resolve(o.host())) {
                    if (privateKind(a) != null) {
                        any = true;
                    }
                }
            } catch (UnknownHostException e) {
                // A base that does not resolve allows nothing.
            }
        }
        baseIsPrivate = any;
        return any;
    }

    /**
     * What kind of non-public address {@code a} is ("loopback", "private", ...), or null for a
     * public one. IPv4 addresses inside IPv6 (mapped, NAT64) count as the IPv4 address.
     */
    static @Nullable String privateKind(InetAddress a) {
        if (a instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            // 64:ff9b::/96 (NAT64) and ::a.b.c.d carry an IPv4 address in their last four bytes.
            boolean nat64 = b[0] == 0 && b[1] == 0x64 && (b[2] & 0xFF) == 0xff && (b[3] & 0xFF) == 0x9b
                    && allZero(b, 4, 12);
            boolean compatible = allZero(b, 0, 12) && !(b[12] == 0 && b[13] == 0 && b[14] == 0);
            if (nat64 || compatible) {
                try {
                    return privateKind(InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 12, 16)));
                } catch (UnknownHostException e) {
                    return "private";
                }
            }
            if ((b[0] & 0xFE) == 0xFC) {
                return "private";
            }
        }
        if (a.isLoopbackAddress()) {
            return "loopback";
        }
        if (a.isAnyLocalAddress()) {
            return "unspecified";
        }
        if (a.isLinkLocalAddress()) {
            return "link-local";
        }
        if (a.isSiteLocalAddress()) {
            return "private";
        }
        if (a.isMulticastAddress()) {
            return "multicast";
        }
        if (a instanceof Inet4Address) {
            byte[] b = a.getAddress();
            int first = b[0] & 0xFF;
            int second = b[1] & 0xFF;
            if (first == 0) {
                return "unspecified";
            }
            if (first == 100 && second >= 64 && second < 128) {
                return "private"; // shared address space (carrier-grade NAT), 100.64.0.0/10
            }
            if (first == 198 && (second == 18 || second == 19)) {
                return "private"; // benchmarking networks, 198.18.0.0/15
            }
            if (first >= 240) {
                return "reserved";
            }
        }
        return null;
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** Lower case, without the brackets of an IPv6 literal. */
    static String canonicalHost(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    @Override
    public String toString() {
        return provider + " " + List.copyOf(baseUrls);
    }
}
