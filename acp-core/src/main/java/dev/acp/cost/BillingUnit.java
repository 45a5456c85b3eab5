package dev.acp.cost;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** What a provider bills a model's calls by, as written in {@code pricing.yaml}. */
public enum BillingUnit {
    IMAGE("image", "image"),
    MEGAPIXEL("megapixel", "MP"),
    VIDEO_SECOND("video_second", "s"),
    AUDIO_SECOND("audio_second", "s"),
    CHARACTERS_1K("1k_characters", "1k chars"),
    /** Input and output tokens, each priced per million. */
    TOKENS("tokens", "1M tokens"),
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
