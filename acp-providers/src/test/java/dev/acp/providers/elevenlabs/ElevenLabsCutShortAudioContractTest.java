package dev.acp.providers.elevenlabs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A speech answer that announces more audio than it delivers, from a raw socket server (a mock
 * HTTP server would fix the length up): the call was paid, so it fails as an unknown outcome and
 * is not sent again, and no partial file is left behind.
 */
class ElevenLabsCutShortAudioContractTest {
    @TempDir
    Path dir;

    @Test
    void should_fail_as_unknown_outcome_and_send_once_when_the_audio_is_cut_short() throws Exception {
        List<String> requestLines = new CopyOnWriteArrayList<>();
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = Thread.ofVirtual().start(() -> serve(server, requestLines));
        ProviderException e;
        try {
            String baseUrl = "http://127.0.0.1:" + server.getLocalPort();
            ElevenLabsProvider provider = new ElevenLabsProvider(TestContexts.context(dir.resolve("home"), baseUrl),
                    Duration.ofSeconds(10));

            e = catchThrowableOfType(ProviderException.class, () -> provider.execute(
                    TestContexts.request(dir, "cut.mp3", Map.of("text", "hello", "voice", "21m00Tcm4TlvDq8ikWAM"))));
        } finally {
            server.close();
            acceptor.join(Duration.ofSeconds(5));
        }

        assertThat(e.kind()).isEqualTo(ErrorKind.UNKNOWN_OUTCOME);
        assertThat(e.getMessage()).contains("not sent again").doesNotContain(TestContexts.CANARY_KEY);
        assertThat(dir.resolve("cut.mp3")).doesNotExist();
        assertThat(requestLines).containsExactly(
                "POST /v1/text-to-speech/21m00Tcm4TlvDq8ikWAM?output_format=mp3_44100_128 HTTP/1.1");
    }

    /** Answers every connection with 10 of 1000 announced bytes, then closes it. */
    private static void serve(ServerSocket server, List<String> requestLines) {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                String head = readHead(in);
                requestLines.add(head.lines().findFirst().orElse(""));
                int length = head.lines().filter(l -> l.toLowerCase().startsWith("content-length:"))
                        .map(l -> Integer.parseInt(l.substring(l.indexOf(':') + 1).trim())).findFirst().orElse(0);
                in.readNBytes(length);
                OutputStream out = s.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: audio/mpeg\r\nContent-Length: 1000\r\n"
                        + "request-id: req-cut\r\ncharacter-cost: 5\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
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
