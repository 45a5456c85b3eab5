package dev.acp.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.acp.pipeline.load.NodeReader;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code /api/validate}, {@code /api/estimate} and {@code POST /api/runs}: a pipeline
 * as text ({@code pipeline}, YAML or JSON) or by name under the server's pipelines folder
 * ({@code pipeline_file}), with the run's settings.
 */
record PipelineRequest(
        @Nullable String pipeline,
        @Nullable String pipelineFile,
        NodeReader.Format format,
        Map<String, String> inputs,
        boolean offline,
        boolean parallel,
        @Nullable BigDecimal costLimit,
        boolean confirm,
        boolean detailed) {

    private static final Set<String> FIELDS = Set.of("pipeline", "pipeline_file", "format", "inputs", "offline",
            "parallel", "cost_limit", "confirm", "detailed");

    PipelineRequest {
        inputs = Map.copyOf(inputs);
    }

    static PipelineRequest of(JsonNode body) {
        for (var it = body.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!FIELDS.contains(name)) {
                throw ApiException.badRequest("unknown field '" + name + "'; the fields are " + String.join(", ",
                        new java.util.TreeSet<>(FIELDS)));
            }
        }
        String text = string(body, "pipeline");
        String file = string(body, "pipeline_file");
        if ((text == null) == (file == null)) {
            throw ApiException.badRequest("give the pipeline either as text in 'pipeline' or by name in"
                    + " 'pipeline_file' (a file under the server's --pipelines folder)");
        }
        String formatName = string(body, "format");
        NodeReader.Format format;
        if (formatName == null) {
            format = file != null ? NodeReader.Format.forFileName(file)
                    : text.stripLeading().startsWith("{") ? NodeReader.Format.JSON : NodeReader.Format.YAML;
        } else {
            format = switch (formatName.toLowerCase(java.util.Locale.ROOT)) {
                case "yaml" -> NodeReader.Format.YAML;
                case "json" -> NodeReader.Format.JSON;
                default -> throw ApiException.badRequest("'format' is yaml or json, not '" + formatName + "'");
            };
        }
        Map<String, String> inputs = new LinkedHashMap<>();
        JsonNode in = body.get("inputs");
        if (in != null && !in.isNull()) {
            if (!in.isObject()) {
                throw ApiException.badRequest("'inputs' must be an object of names and values, for example"
                        + " {\"topic\": \"lighthouses\"}");
            }
            in.fields().forEachRemaining(e -> {
                JsonNode v = e.getValue();
                if (!v.isValueNode() || v.isNull()) {
                    throw ApiException.badRequest("input '" + e.getKey() + "' must be a string, number or boolean,"
                            + " as on the command line's --set");
                }
                inputs.put(e.getKey(), v.asText());
            });
        }
        return new PipelineRequest(text, file, format, inputs, bool(body, "offline"), bool(body, "parallel"),
                costLimit(body), bool(body, "confirm"), bool(body, "detailed"));
    }

    private static @Nullable String string(JsonNode body, String name) {
        JsonNode n = body.get(name);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw ApiException.badRequest("'" + name + "' must be a string");
        }
        return n.asText();
    }

    private static boolean bool(JsonNode body, String name) {
        JsonNode n = body.get(name);
        if (n == null || n.isNull()) {
            return false;
        }
        if (!n.isBoolean()) {
            throw ApiException.badRequest("'" + name + "' must be true or false");
        }
        return n.asBoolean();
    }

    private static @Nullable BigDecimal costLimit(JsonNode body) {
        JsonNode n = body.get("cost_limit");
        if (n == null || n.isNull()) {
            return null;
        }
        BigDecimal v;
        if (n.isNumber()) {
            v = n.decimalValue();
        } else if (n.isTextual()) {
            try {
                v = new BigDecimal(n.asText().strip().replaceFirst("^\\$", ""));
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("'cost_limit' is an amount in US dollars, for example 2.50, not '"
                        + n.asText() + "'");
            }
        } else {
            throw ApiException.badRequest("'cost_limit' is an amount in US dollars, for example 2.50");
        }
        if (v.signum() < 0) {
            throw ApiException.badRequest("'cost_limit' is negative; give an amount of 0 or more");
        }
        return v;
    }
}
