package dev.acp.cost;

import java.math.BigDecimal;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Picks the variant of a per-image tariff that a step asks for ({@code quality=low,size=1024x1024}):
 * each parameter of the variants is read from the step, or from the default variant when the step
 * does not set it. When the step's values match no variant, or a template leaves one open, the
 * default variant is expected and the dearest one is the high end.
 */
final class ImageVariants {
    private ImageVariants() {}

    /** The variant chosen, its price, and the most the step may cost per image. */
    record Choice(String variant, BigDecimal expected, BigDecimal high) {}

    static Choice choose(Tariff.PerImage t, Map<String, Object> params) {
        BigDecimal dearest = t.variants().values().stream().max(Comparator.naturalOrder()).orElseThrow();
        Map<String, String> defaults = t.defaultVariant() == null ? Map.of()
                : Tariff.Variant.parse(t.defaultVariant()).values();
        Map<String, String> asked = new LinkedHashMap<>();
        boolean open = false;
        for (String name : Tariff.variantParameters(t.variants())) {
            String value = value(name, params);
            if (value == null && StepParameters.isTemplate(params.get(name))) {
                open = true;
            }
            asked.put(name, value != null ? value : defaults.get(name));
        }
        for (Map.Entry<String, BigDecimal> v : t.variants().entrySet()) {
            if (!open && Tariff.Variant.parse(v.getKey()).values().equals(asked)) {
                return new Choice(v.getKey(), v.getValue(), v.getValue());
            }
        }
        String fallback = t.defaultVariant() != null ? t.defaultVariant()
                : t.variants().entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        return new Choice(fallback + (open ? ", known at run time" : ", the default"), t.variants().get(fallback),
                dearest);
    }

    /** The step's value of a variant parameter, lower case; {@code size} also from image_size presets. */
    private static String value(String name, Map<String, Object> params) {
        Object v = params.get(name);
        if ("size".equals(name) && (v == null || v instanceof Map)) {
            if (params.get("image_size") == null && v == null) {
                return null;
            }
            int[] wh = StepParameters.size(params);
            return wh == null ? null : wh[0] + "x" + wh[1];
        }
        if (v == null || StepParameters.isTemplate(v)) {
            return null;
        }
        return String.valueOf(v).strip().toLowerCase(Locale.ROOT);
    }
}
