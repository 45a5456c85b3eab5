package dev.acp.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Reads server-sent events the way a browser's EventSource does: id, event and data lines, blank line ends one. */
final class SseClient implements AutoCloseable {
    record Event(String id, String name, String data) {}

    final HttpResponse<InputStream> response;
    private final BufferedReader reader;
    final List<String> comments = new ArrayList<>();

    SseClient(TestServer s, String runId, String lastEventId) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(s.uri("/api/runs/" + runId + "/events"))
                .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(30));
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        response = s.client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
    }

    /** The next event, or null at the end of the stream. */
    Event next() throws IOException {
        String id = null;
        String name = "message";
        StringBuilder data = null;
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.isEmpty()) {
                if (data != null) {
                    return new Event(id, name, data.toString());
                }
                continue;
            }
            if (line.startsWith(":")) {
                comments.add(line);
            } else if (line.startsWith("id: ")) {
                id = line.substring(4);
            } else if (line.startsWith("event: ")) {
                name = line.substring(7);
            } else if (line.startsWith("data: ")) {
                data = data == null ? new StringBuilder(line.substring(6)) : data.append('\n').append(line.substring(6));
            }
        }
        return null;
    }

    /** Every event up to the end of the stream. */
    List<Event> rest() throws IOException {
        List<Event> out = new ArrayList<>();
        for (Event e = next(); e != null; e = next()) {
            out.add(e);
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        response.body().close(); // drops the connection, as a closed browser tab does
    }
}
