package dev.acp.providers.fal.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The form of {@code dev/acp/providers/fal/models.yaml}, read strictly (an unknown key is a typo).
 *
 * @param defaults per capability wire name, the models used when a step names none: the first
 *     whose required inputs the step has
 */
public record ModelsFile(int version, Map<String, List<String>> defaults, Map<String, Model> models) {

    /**
     * One model: its capability, its fal endpoint id, and how ACP's parameters become its input.
     *
     * @param input model input field → where its value comes from, in the order they are sent
     * @param fixed ACP parameters the model does not take but whose value it fixes (a model that
     *     always makes 6 s clips has {@code duration: 6}); a step asking for another value is refused
     */
    public record Model(
            String capability,
            String endpoint,
            @Nullable String title,
            Map<String, Field> input,
            @Nullable Map<String, Object> fixed) {}

    /**
     * How one input field is filled.
     *
     * @param from the ACP parameters read, first present wins; the field's own name when absent
     * @param as the conversion (see {@code FalModels.As}); {@code any} when absent
     * @param values the values the model accepts, after conversion
     * @param defaultValue sent when no parameter is present
     * @param value always sent, whatever the parameters say
     * @param suffix appended to {@code as: string} values ({@code 8} → {@code 8s})
     */
    public record Field(
            @Nullable List<String> from,
            @Nullable String as,
            @Nullable List<Object> values,
            @JsonProperty("default") @Nullable Object defaultValue,
            @Nullable Object value,
            @Nullable Boolean required,
            @Nullable String suffix) {}
}
