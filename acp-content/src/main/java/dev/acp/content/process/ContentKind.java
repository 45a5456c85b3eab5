package dev.acp.content.process;

import java.util.Locale;

/** What a processed file is: decided from its streams (media) or its bytes (text), not its name alone. */
public enum ContentKind {
    IMAGE,
    AUDIO,
    VIDEO,
    TEXT;

    /** The lower-case name used in JSON. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
