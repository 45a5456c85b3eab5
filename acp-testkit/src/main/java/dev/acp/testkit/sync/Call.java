package dev.acp.testkit.sync;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One request as a provider's routes see it.
 *
 * @param path the path below the provider's prefix, for example {@code /chat/completions}
 * @param query the query parameters, decoded; the first value of each name
 */
record Call(String method, String path, Map<String, String> query, byte[] body) {
    Call {
        query = Map.copyOf(query);
    }

    static Map<String, String> parseQuery(@Nullable String rawQuery) {
        Map<String, String> out = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return out;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            out.putIfAbsent(name, value);
        }
        return out;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    boolean is(String m, String p) {
        return method.equals(m) && path.equals(p);
    }
}
