package dev.acp.cost;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** What a provider bills a model's calls by, as written in {@code pricing.yaml}. */
public enum BillingUnit {
    IMAGE("image", "image"),
    MEGAPIXEL("megapixel", "MP"),
    VIDEO_SECOND("video_second", "s"),
    /** A clip of a base length at one price, each second beyond it at another (fal Kling 2.x). */
    VIDEO_CLIP("video_clip", "clip"),
    AUDIO_SECOND("audio_second", "s"),
    CHARACTERS_1K("1k_characters", "1k chars"),
    CHARACTERS_1M("1m_characters", "1M chars"),
    /**
     * The provider's own credits, a number per character that depends on the model (ElevenLabs),
     * bought at a dollar price per credit that depends on the account's plan.
     */
    CREDITS("credits", "credit"),
    /** Input and output tokens, each priced per million. */
    TOKENS("tokens", "1M tokens"),
    /** Seconds of a machine's running time, priced by the kind of hardware (Replicate's other models). */
    HARDWARE_SECOND("hardware_second", "s of hardware"),
    REQUEST("request", "request");

    private final String wireName;
    private final String symbol;

    BillingUnit(String wireName, String symbol) {
        this.wireName = wireName;
        this.symbol = symbol;
    }

    public String wireName() {
        return wireName;
    }

    /** The unit as it appears in a formula: {@code $0.013/s}. */
    public String symbol() {
        return symbol;
    }

    public static Optional<BillingUnit> of(String name) {
        return Arrays.stream(values()).filter(u -> u.wireName.equals(name)).findFirst();
    }

    public static List<String> wireNames() {
        return Arrays.stream(values()).map(BillingUnit::wireName).toList();
    }
}
