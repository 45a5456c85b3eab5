package dev.acp.provider;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a provider says it delivered or billed for one call, in the units its invoice counts:
 * the images and their sizes, the seconds of video, the characters or credits, the tokens, the
 * seconds of hardware. The engine prices it with the model's tariff ({@code cost_source:
 * computed}) when the provider reports no dollar amount, which is closer to the bill than the
 * estimate made before the call.
 */
public sealed interface Usage {

    /** For the report: {@code 2 images (1024×768)}, {@code 5 s of video}. */
    String describe();

    /** A width and height in pixels; 0 when the provider did not say. */
    record Size(int width, int height) {
        public Size {
            if (width < 0 || height < 0) {
                throw new IllegalArgumentException("a size is not negative");
            }
        }

        public boolean known() {
            return width > 0 && height > 0;
        }
    }

    /** The images returned, each with its size. */
    record Images(List<Size> sizes) implements Usage {
        public Images {
            sizes = List.copyOf(sizes);
        }

        public static Images count(int n) {
            return new Images(java.util.Collections.nCopies(Math.max(0, n), new Size(0, 0)));
        }

        public String describe() {
            String dims = sizes.stream().filter(Size::known).map(s -> s.width() + "×" + s.height()).distinct()
                    .reduce((a, b) -> a + ", " + b).map(d -> " (" + d + ")").orElse("");
            return sizes.size() + (sizes.size() == 1 ? " image" : " images") + dims;
        }
    }

    /**
     * Seconds of video returned.
     *
     * @param resolution as the provider names it ({@code 720p}), or null when it did not say
     * @param audio whether the video has sound, or null when not known
     */
    record Video(BigDecimal seconds, @Nullable String resolution, @Nullable Boolean audio) implements Usage {
        public Video {
            nonNegative(seconds);
        }

        public String describe() {
            return plain(seconds) + " s of video" + (resolution == null ? "" : " at " + resolution)
                    + (audio == null ? "" : audio ? " with audio" : " without audio");
        }
    }

    /** Seconds of audio returned. */
    record AudioSeconds(BigDecimal seconds) implements Usage {
        public AudioSeconds {
            nonNegative(seconds);
        }

        public String describe() {
            return plain(seconds) + " s of audio";
        }
    }

    /** Characters of text sent, as the provider counts them. */
    record Characters(long count) implements Usage {
        public Characters {
            if (count < 0) {
                throw new IllegalArgumentException("a count is not negative");
            }
        }

        public String describe() {
            return count + " characters";
        }
    }

    /** The provider's own credits charged (ElevenLabs' {@code character-cost}). */
    record Credits(BigDecimal credits) implements Usage {
        public Credits {
            nonNegative(credits);
        }

        public String describe() {
            return plain(credits) + " credits";
        }
    }

    /** Input and output tokens (output includes reasoning or thinking tokens, billed alike). */
    record Tokens(long input, long output) implements Usage {
        public Tokens {
            if (input < 0 || output < 0) {
                throw new IllegalArgumentException("token counts are not negative");
            }
        }

        public String describe() {
            return input + " input + " + output + " output tokens";
        }
    }

    /**
     * Seconds of a machine's running time.
     *
     * @param hardware the kind of machine ({@code a100-80gb}), or null when not known
     */
    record HardwareTime(BigDecimal seconds, @Nullable String hardware) implements Usage {
        public HardwareTime {
            nonNegative(seconds);
        }

        public String describe() {
            return plain(seconds) + " s of " + (hardware == null ? "hardware" : hardware);
        }
    }

    /**
     * Several readings of one call, for a provider whose invoice counts different units by model
     * (Replicate: official models per output, the others per second of hardware); the model's
     * tariff prices the first one it can.
     */
    record Several(List<Usage> readings) implements Usage {
        public Several {
            readings = List.copyOf(readings);
            if (readings.isEmpty() || readings.stream().anyMatch(r -> r instanceof Several)) {
                throw new IllegalArgumentException("several readings: at least one, none of them several");
            }
        }

        public String describe() {
            return readings.stream().map(Usage::describe).reduce((a, b) -> a + "; " + b).orElse("");
        }
    }

    private static void nonNegative(BigDecimal v) {
        Objects.requireNonNull(v, "amount");
        if (v.signum() < 0) {
            throw new IllegalArgumentException("an amount is not negative");
        }
    }

    private static String plain(BigDecimal v) {
        BigDecimal r = v.scale() > 3 ? v.setScale(3, RoundingMode.HALF_UP) : v;
        return r.stripTrailingZeros().toPlainString();
    }
}
