package dev.acp.content.quality;

/** What a scored file is, as decided from its streams. */
public enum MediaKind {
    IMAGE,
    AUDIO,
    VIDEO
}
