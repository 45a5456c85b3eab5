package dev.acp.providers.fal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.acp.pipeline.Capability;
import dev.acp.provider.Usage;
import dev.acp.providers.support.ImageHeader;
import dev.acp.providers.support.Mp4Duration;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a fal request delivered, in the units fal bills (fal's answers carry no cost): the images
 * and their sizes (megapixel prices), the seconds of a video with the resolution and sound asked
 * for, or the characters of text sent to a speech endpoint (priced per 1,000 characters).
 */
final class FalUsage {
    /** The handle's note of the characters a speech request sent, kept from submit to fetch. */
    static final String CHARACTERS_SENT = "characters_sent";
    /** Input fields that hold the text a speech endpoint speaks (f5-tts: {@code gen_text}). */
    private static final List<String> SPOKEN = List.of("gen_text", "text", "input", "prompt");

    private FalUsage() {}

    /** The length in characters of the text a speech request sends, or empty when it sends none. */
    static Optional<Integer> charactersSent(JsonNode body) {
        for (String field : SPOKEN) {
            JsonNode v = body.get(field);
            if (v != null && v.isTextual()) {
                String text = v.asText();
                return Optional.of(text.codePointCount(0, text.length()));
            }
        }
        return Optional.empty();
    }

    /**
     * What the request delivered, read from the output, the file written and the step; null when
     * the unit fal bills cannot be read (the estimate then settles the step).
     */
    static @Nullable Usage delivered(Capability capability, JsonNode output, FalResults.Media media, Path written,
            Map<String, Object> parameters, Map<String, String> handleData) {
        return switch (capability.outputKind()) {
            case IMAGE -> images(media, written);
            case VIDEO -> video(output, media, written, parameters);
            case AUDIO -> characters(handleData.get(CHARACTERS_SENT));
            case TEXT -> null;
        };
    }

    /**
     * Every image returned (each is billed, though the step keeps the first), each of the size fal
     * gives; where it gives none, of the size read from the header of the image downloaded: the
     * images of one request are made at one size.
     */
    static Usage.Images images(FalResults.Media media, Path written) {
        List<Usage.Size> sizes = new ArrayList<>(media.sizes());
        if (sizes.stream().anyMatch(s -> !s.known())) {
            Optional<Usage.Size> read = ImageHeader.size(written);
            if (read.isPresent()) {
                sizes.replaceAll(s -> s.known() ? s : read.get());
            }
        }
        return new Usage.Images(sizes);
    }

    /**
     * The seconds of the video downloaded (its MP4 header), else those the output states; with
     * the resolution and the sound the step asked for, which fal's video prices depend on.
     */
    static Usage.@Nullable Video video(JsonNode output, FalResults.Media media, Path written,
            Map<String, Object> parameters) {
        BigDecimal seconds = Mp4Duration.seconds(written).orElse(null);
        if (seconds == null) {
            Double stated = FalResults.seconds(output, media.node());
            seconds = stated == null || !(stated >= 0) || stated.isInfinite() ? null : BigDecimal.valueOf(stated);
        }
        if (seconds == null) {
            return null;
        }
        String resolution = parameters.get("resolution") instanceof String r && !r.isBlank() && !r.contains("{{")
                ? r.strip().toLowerCase(Locale.ROOT) : null;
        return new Usage.Video(seconds, resolution, flag(parameters.get("generate_audio")));
    }

    private static @Nullable Usage characters(@Nullable String count) {
        if (count == null) {
            return null;
        }
        try {
            long n = Long.parseLong(count);
            return n < 0 ? null : new Usage.Characters(n);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** true or false as a step writes it (a boolean or its text); null when not given or unreadable. */
    private static @Nullable Boolean flag(@Nullable Object v) {
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s) {
            return switch (s.strip().toLowerCase(Locale.ROOT)) {
                case "true" -> Boolean.TRUE;
                case "false" -> Boolean.FALSE;
                default -> null;
            };
        }
        return null;
    }
}
