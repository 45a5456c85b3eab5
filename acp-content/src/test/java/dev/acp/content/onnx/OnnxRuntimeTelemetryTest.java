package dev.acp.content.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtEnvironment;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ACP's content analysis runs offline, so the ONNX Runtime it ships must not phone home. Version
 * 1.29's Linux and macOS libraries start Microsoft's 1DS telemetry when the environment is created
 * (it reads the machine id and the process's command line, and crashed ACP on a long argument); no
 * Java call can stop it in time. This fails when a dependency update brings such a library back.
 */
class OnnxRuntimeTelemetryTest {
    private static final List<String> LIBRARIES = List.of("/ai/onnxruntime/native/linux-x64/libonnxruntime.so",
            "/ai/onnxruntime/native/linux-aarch64/libonnxruntime.so",
            "/ai/onnxruntime/native/osx-aarch64/libonnxruntime.dylib");
    /** The upload endpoint of Microsoft's 1DS telemetry SDK, compiled into libraries that carry it. */
    private static final byte[] TELEMETRY_ENDPOINT = "events.data.microsoft.com".getBytes(StandardCharsets.US_ASCII);

    @Test
    void the_bundled_native_libraries_carry_no_telemetry_uploader() throws IOException {
        for (String library : LIBRARIES) {
            try (InputStream in = OrtEnvironment.class.getResourceAsStream(library)) {
                assertThat(in).as("ONNX Runtime's %s on the classpath", library).isNotNull();
                assertThat(contains(in, TELEMETRY_ENDPOINT))
                        .as("ONNX Runtime's %s uploads telemetry to %s; keep the version ACP pins in the root"
                                + " pom (onnxruntime.version)", library,
                                new String(TELEMETRY_ENDPOINT, StandardCharsets.US_ASCII))
                        .isFalse();
            }
        }
    }

    @Test
    void the_environment_acp_uses_has_telemetry_switched_off() {
        assertThat(OnnxRuntimes.environment()).isSameAs(OrtEnvironment.getEnvironment());
    }

    /** Reads the library in chunks, each searched with the end of the one before it. */
    private static boolean contains(InputStream in, byte[] needle) throws IOException {
        byte[] window = new byte[(1 << 16) + needle.length];
        int kept = 0;
        for (int n; (n = in.read(window, kept, window.length - kept)) > 0; ) {
            int filled = kept + n;
            for (int i = 0; i + needle.length <= filled; i++) {
                if (window[i] == needle[0] && Arrays.equals(window, i, i + needle.length, needle, 0, needle.length)) {
                    return true;
                }
            }
            kept = Math.min(filled, needle.length - 1);
            System.arraycopy(window, filled - kept, window, 0, kept);
        }
        return false;
    }
}
