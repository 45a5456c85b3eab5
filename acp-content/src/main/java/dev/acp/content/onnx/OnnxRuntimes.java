package dev.acp.content.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;

/**
 * The one place ACP obtains ONNX Runtime's process-wide environment, with its telemetry off.
 *
 * <p>ACP's content analysis is offline: nothing about what a user embeds or scans may leave the
 * machine. Microsoft's Windows builds of ONNX Runtime send usage telemetry unless told not to, which
 * {@link OrtEnvironment#setTelemetry(boolean)} does. Version 1.29 added telemetry on Linux and macOS
 * too, started while the environment is created (before any Java call could switch it off) and
 * crashing the process when its command line is long; ACP therefore pins 1.28 (see the root pom),
 * its launchers set {@code ORT_DISABLE_TELEMETRY=1}, and {@code OnnxRuntimeTelemetryTest} fails if
 * the native library on the classpath carries that telemetry.
 */
public final class OnnxRuntimes {
    private OnnxRuntimes() {}

    /** ONNX Runtime's environment with telemetry events switched off. */
    public static OrtEnvironment environment() {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try {
            environment.setTelemetry(false);
        } catch (OrtException e) {
            // Builds without telemetry answer "not supported"; there is then nothing to switch off.
        }
        return environment;
    }
}
