package dev.acp.testkit.sync;

import java.util.LinkedHashMap;
import java.util.Map;

/** An HTTP answer not yet sent. */
record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {
    Reply {
        headers = Map.copyOf(headers);
    }

    static Reply json(int status, Object value) {
        return new Reply(status, "application/json", Bodies.write(value), Map.of());
    }

    static Reply bytes(String contentType, byte[] body) {
        return new Reply(200, contentType, body, Map.of());
    }

    Reply with(String header, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(header, value);
        return new Reply(status, contentType, body, h);
    }
}
