package dev.acp.content.process;

import java.util.Objects;

/**
 * The text that stands for a file's meaning, and so is embedded.
 *
 * @param text the text
 * @param source where it came from: {@code text} (the file is text), {@code option} (given by
 *     the caller), {@code sidecar NAME} (a text file beside the media) or {@code container metadata}
 */
public record Description(String text, String source) {
    public Description {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(source, "source");
    }
}
