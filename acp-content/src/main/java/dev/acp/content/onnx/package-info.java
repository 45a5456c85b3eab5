/** How ACP starts ONNX Runtime: one environment, telemetry off. */
package dev.acp.content.onnx;
