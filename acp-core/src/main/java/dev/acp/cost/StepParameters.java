package dev.acp.cost;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads the quantities a price depends on out of a step's parameters (as written, when they may
 * still hold {@code {{...}}} templates, or rendered at dispatch): image count and size, seconds,
 * flags, and the length of the text sent to the model.
 */
final class StepParameters {
    /** Sizes of fal's named image sizes. */
    static final Map<String, int[]> NAMED_SIZES = Map.of(
            "square_hd", new int[] {1024, 1024}, "square", new int[] {512, 512},
            "portrait_4_3", new int[] {768, 1024}, "portrait_16_9", new int[] {576, 1024},
            "landscape_4_3", new int[] {1024, 768}, "landscape_16_9", new int[] {1024, 576});
    /** The size an image gets when a step names none. */
    static final int[] DEFAULT_SIZE = {1024, 1024};
    /** Rough characters per token of English text, for input token counts. */
    static final int CHARS_PER_TOKEN = 4;
    /** Tokens counted for each image an LLM reads. */
    static final int TOKENS_PER_IMAGE = 1000;
    /** Tokens a template's text may grow to, for the pessimistic end of an LLM's input. */
    static final int TEMPLATE_TOKENS = 4000;
    /** Parameters whose text is sent to the model. */
    static final List<String> TEXT_PARAMS = List.of("text", "prompt", "story", "script", "system_prompt", "question",
            "instructions", "style", "negative_prompt");

    private StepParameters() {}

    /** The length of the text sent, and whether templates leave part of it to run time. */
    record Text(int length, boolean templated) {}

    /** The length of the text sent; templates count only their literal parts and mark the text open. */
    static Text text(Map<String, Object> params) {
        int length = 0;
        boolean templated = false;
        for (String k : TEXT_PARAMS) {
            if (params.get(k) instanceof String s) {
                if (isTemplate(s)) {
                    templated = true;
                    length += s.replaceAll("\\{\\{[^}]*}}", "").length();
                } else {
                    length += s.length();
                }
            }
        }
        return new Text(length, templated);
    }

    static boolean isTemplate(@Nullable Object v) {
        return v instanceof String s && s.contains("{{");
    }

    /** A whole number, the default when absent, null when only known at run time. */
    static @Nullable Integer count(@Nullable Object v, @Nullable Integer absent) {
        if (v == null) {
            return absent;
        }
        if (v instanceof Number n) {
            return Math.max(1, n.intValue());
        }
        if (v instanceof String s && !isTemplate(s)) {
            try {
                return Math.max(1, Integer.parseInt(s.strip()));
            } catch (NumberFormatException e) {
                return absent;
            }
        }
        return null;
    }

    /** Seconds from {@code 6}, {@code 6.5}, {@code "6"}, {@code "6s"}; null when absent or unreadable. */
    static @Nullable BigDecimal seconds(@Nullable Object v) {
        if (v instanceof Number n) {
            return new BigDecimal(n.toString());
        }
        if (v instanceof String s && !isTemplate(s)) {
            String x = s.strip().toLowerCase(Locale.ROOT);
            if (x.endsWith("s")) {
                x = x.substring(0, x.length() - 1).strip();
            }
            try {
                return new BigDecimal(x);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /** True or false from a boolean or its text; null when absent, unreadable or a template. */
    static @Nullable Boolean flag(@Nullable Object v) {
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s && !isTemplate(s)) {
            return switch (s.strip().toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on" -> Boolean.TRUE;
                case "false", "no", "off" -> Boolean.FALSE;
                default -> null;
            };
        }
        return null;
    }

    /** The width and height of the images a step asks for, the default when it names none, null when templated. */
    static int @Nullable [] size(Map<String, Object> params) {
        Object s = params.get("image_size");
        if (s == null) {
            s = params.get("size");
        }
        if (s instanceof String name) {
            if (isTemplate(name)) {
                return null;
            }
            int[] named = NAMED_SIZES.get(name);
            if (named != null) {
                return named;
            }
            String[] wh = name.toLowerCase(Locale.ROOT).split("x");
            if (wh.length == 2) {
                try {
                    return new int[] {Integer.parseInt(wh[0].strip()), Integer.parseInt(wh[1].strip())};
                } catch (NumberFormatException e) {
                    return DEFAULT_SIZE;
                }
            }
            return DEFAULT_SIZE;
        }
        if (s instanceof Map<?, ?> m && m.get("width") instanceof Number w && m.get("height") instanceof Number h) {
            return new int[] {w.intValue(), h.intValue()};
        }
        if (params.get("width") instanceof Number w && params.get("height") instanceof Number h) {
            return new int[] {w.intValue(), h.intValue()};
        }
        if (isTemplate(params.get("width")) || isTemplate(params.get("height"))) {
            return null;
        }
        return DEFAULT_SIZE;
    }
}
