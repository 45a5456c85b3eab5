package dev.acp.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A run's events as server-sent events: {@code id}, {@code event} and {@code data} (one JSON
 * line) per event, from the one after {@code Last-Event-ID}; a comment line every keep-alive
 * interval while nothing happens, which also finds out that a client has gone; the stream ends
 * after the run's last event. Ids of events replayed from a journal carry a prefix ({@code j3}),
 * so that an id from a live stream is never taken for one of them.
 */
final class EventStream {
    private final ObjectMapper json;
    private final Duration keepAlive;

    EventStream(ObjectMapper json, Duration keepAlive) {
        this.json = json;
        this.keepAlive = keepAlive;
    }

    /** The number after which to send, from {@code Last-Event-ID} (or {@code ?last_event_id=}), for ids with {@code prefix}. */
    static long lastId(Optional<String> header, String prefix) {
        if (header.isEmpty() || !header.get().startsWith(prefix)) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(header.get().substring(prefix.length()).strip()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    void send(HttpCall call, RunEvents events, String prefix, long afterId) throws IOException {
        call.setHeader("Content-Type", "text/event-stream; charset=utf-8");
        call.setHeader("Cache-Control", "no-cache");
        call.setHeader("X-Accel-Buffering", "no"); // proxies such as nginx would hold the stream back
        long last = afterId;
        try (OutputStream out = call.stream(200, 0)) {
            write(out, "retry: 2000\n\n");
            while (true) {
                RunEvents.Batch batch;
                try {
                    batch = events.after(last, keepAlive);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return; // the server stops
                }
                if (batch.gap()) {
                    write(out, "event: events_dropped\ndata: " + json.writeValueAsString(Map.of("message",
                            "older events were dropped from memory; read GET /api/runs/{id} for the run's state"))
                            + "\n\n");
                }
                for (RunEvents.Event e : batch.events()) {
                    write(out, "id: " + prefix + e.id() + "\nevent: " + e.name() + "\ndata: "
                            + json.writeValueAsString(e.data()) + "\n\n");
                    last = e.id();
                }
                if (batch.ended()) {
                    return;
                }
                if (batch.events().isEmpty()) {
                    write(out, ": keep-alive\n\n");
                }
            }
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
