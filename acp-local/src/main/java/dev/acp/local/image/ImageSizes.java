package dev.acp.local.image;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The named image sizes of fal.ai ({@code image_size: landscape_16_9}), shared by the local renderer. */
public final class ImageSizes {
    /** The preset used when a step names no size. */
    public static final String DEFAULT_PRESET = "landscape_4_3";

    /** Long side of images sized by {@code aspect_ratio} alone, as fal's presets use. */
    public static final int DEFAULT_LONG_SIDE = 1024;

    private static final Map<String, ImageSize> PRESETS = presets();

    private ImageSizes() {}

    private static Map<String, ImageSize> presets() {
        Map<String, ImageSize> map = new LinkedHashMap<>();
        map.put("square_hd", new ImageSize(1024, 1024));
        map.put("square", new ImageSize(512, 512));
        map.put("portrait_4_3", new ImageSize(768, 1024));
        map.put("portrait_16_9", new ImageSize(576, 1024));
        map.put("landscape_4_3", new ImageSize(1024, 768));
        map.put("landscape_16_9", new ImageSize(1024, 576));
        return java.util.Collections.unmodifiableMap(map);
    }

    /** The preset called {@code name} (case-insensitive). */
    public static Optional<ImageSize> preset(String name) {
        return Optional.ofNullable(PRESETS.get(name.strip().toLowerCase(java.util.Locale.ROOT)));
    }

    /** All preset names, for messages. */
    public static String presetNames() {
        return String.join(", ", PRESETS.keySet());
    }
}
