package dev.acp.local;

import dev.acp.local.image.AspectRatio;
import dev.acp.local.image.ImageSize;
import dev.acp.local.image.ImageSizes;
import java.util.Map;
import java.util.Optional;

/**
 * The size of a rendered image from {@code width}/{@code height}, {@code image_size} (a fal preset,
 * a {@code {width, height}} map or {@code "WxH"}), or {@code aspect_ratio}; in that order of
 * precedence, defaulting to {@value ImageSizes#DEFAULT_PRESET}.
 */
final class ImageSizing {
    static final int MIN_SIDE = 16;
    static final int MAX_SIDE = 8192;

    /**
     * @param size the chosen size
     * @param source which parameter decided it, for metadata
     */
    record Sized(ImageSize size, String source) {}

    private ImageSizing() {}

    static Sized read(Params p) {
        String sideFix = "set width and height between " + MIN_SIDE + " and " + MAX_SIDE + " pixels";
        Optional<Integer> width = p.integer("width", MIN_SIDE, MAX_SIDE, sideFix);
        Optional<Integer> height = p.integer("height", MIN_SIDE, MAX_SIDE, sideFix);
        Optional<AspectRatio> ratio = aspectRatio(p);
        Optional<ImageSize> preset = imageSize(p);
        if (width.isPresent() && height.isPresent()) {
            return new Sized(new ImageSize(width.get(), height.get()), "width/height");
        }
        double shape = ratio.map(AspectRatio::value)
                .or(() -> preset.map(ImageSize::ratio))
                .orElse(4.0 / 3);
        if (width.isPresent()) {
            return new Sized(new ImageSize(width.get(), clamp((int) Math.round(width.get() / shape))), "width");
        }
        if (height.isPresent()) {
            return new Sized(new ImageSize(clamp((int) Math.round(height.get() * shape)), height.get()), "height");
        }
        if (preset.isPresent()) {
            return new Sized(preset.get(), "image_size");
        }
        if (ratio.isPresent()) {
            return new Sized(ratio.get().withLongSide(ImageSizes.DEFAULT_LONG_SIDE, 8), "aspect_ratio");
        }
        return new Sized(ImageSizes.preset(ImageSizes.DEFAULT_PRESET).orElseThrow(), "default");
    }

    private static int clamp(int side) {
        return Math.max(MIN_SIDE, Math.min(MAX_SIDE, side));
    }

    static Optional<AspectRatio> aspectRatio(Params p) {
        if (!p.has("aspect_ratio") || p.isDeferred("aspect_ratio")) {
            return Optional.empty();
        }
        Optional<String> text = p.text("aspect_ratio");
        Optional<AspectRatio> ratio = text.flatMap(AspectRatio::parse);
        if (ratio.isEmpty()) {
            p.issue("aspect_ratio", "unknown aspect_ratio " + text.map(t -> "'" + t + "'").orElse("(empty)"),
                    "use one of " + AspectRatio.supportedList());
        }
        return ratio;
    }

    private static Optional<ImageSize> imageSize(Params p) {
        Optional<Object> raw = p.raw("image_size");
        if (raw.isEmpty() || p.isDeferred("image_size")) {
            return Optional.empty();
        }
        String fix = "use a preset (" + ImageSizes.presetNames() + "), \"WIDTHxHEIGHT\" or {width: W, height: H}";
        if (raw.get() instanceof Map<?, ?> map) {
            Object w = map.get("width");
            Object h = map.get("height");
            if (w instanceof Number wn && h instanceof Number hn && inRange(wn) && inRange(hn)) {
                return Optional.of(new ImageSize(wn.intValue(), hn.intValue()));
            }
            p.issue("image_size", "image_size needs whole width and height between " + MIN_SIDE + " and " + MAX_SIDE, fix);
            return Optional.empty();
        }
        String text = raw.get().toString().strip();
        Optional<ImageSize> preset = ImageSizes.preset(text);
        if (preset.isPresent()) {
            return preset;
        }
        var m = java.util.regex.Pattern.compile("(\\d+)\\s*[x×]\\s*(\\d+)").matcher(text);
        if (m.matches()) {
            int w = Integer.parseInt(m.group(1));
            int h = Integer.parseInt(m.group(2));
            if (w >= MIN_SIDE && w <= MAX_SIDE && h >= MIN_SIDE && h <= MAX_SIDE) {
                return Optional.of(new ImageSize(w, h));
            }
        }
        p.issue("image_size", "unknown image_size '" + text + "'", fix);
        return Optional.empty();
    }

    private static boolean inRange(Number n) {
        double d = n.doubleValue();
        return d == Math.rint(d) && d >= MIN_SIDE && d <= MAX_SIDE;
    }
}
