package dev.acp.providers.openai;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A raw socket server that answers every request with 10 of 1000 announced bytes and closes the
 * connection (a mock HTTP server would fix the length up), recording each request line.
 */
final class CutShortServer implements AutoCloseable {
    private final ServerSocket socket;
    private final Thread acceptor;
    private final List<String> requestLines = new CopyOnWriteArrayList<>();

    private CutShortServer(ServerSocket socket, String contentType) {
        this.socket = socket;
        this.acceptor = Thread.ofVirtual().start(() -> serve(contentType));
    }

    static CutShortServer start(String contentType) throws IOException {
        return new CutShortServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), contentType);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + socket.getLocalPort();
    }

    List<String> requestLines() {
        return List.copyOf(requestLines);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        socket.close();
        acceptor.join(Duration.ofSeconds(5));
    }

    private void serve(String contentType) {
        while (!socket.isClosed()) {
            try (Socket s = socket.accept()) {
                InputStream in = s.getInputStream();
                String head = readHead(in);
                requestLines.add(head.lines().findFirst().orElse(""));
                int length = head.lines().filter(l -> l.toLowerCase().startsWith("content-length:"))
                        .map(l -> Integer.parseInt(l.substring(l.indexOf(':') + 1).trim())).findFirst().orElse(0);
                in.readNBytes(length);
                OutputStream out = s.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: " + contentType + "\r\nContent-Length: 1000\r\n"
                        + "x-request-id: req_cut\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(new byte[10]);
                out.flush();
            } catch (IOException e) {
                return;
            }
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        int b;
        while (matched < 4 && (b = in.read()) >= 0) {
            head.write(b);
            matched = b == end[matched] ? matched + 1 : b == '\r' ? 1 : 0;
        }
        return head.toString(StandardCharsets.US_ASCII);
    }
}
