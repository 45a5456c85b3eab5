package dev.acp.testkit.contract;

import java.nio.charset.StandardCharsets;

/**
 * What a provider's result is, with the first bytes of a file of that kind (enough for ACP's
 * content check), or for {@link #TEXT} the whole text the suite has the provider answer with.
 */
public enum MediaKind {
    IMAGE("png", "image/png", new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13, 'I', 'H', 'D',
        'R'}),
    AUDIO("mp3", "audio/mpeg", new byte[] {'I', 'D', '3', 4, 0, 0, 0, 0, 0, 0, 'f', 'a', 'k', 'e'}),
    VIDEO("mp4", "video/mp4", "\0\0\0 ftypisom fake mp4 body, long enough".getBytes(StandardCharsets.ISO_8859_1)),
    /** A text result (a prompt, a description): returned to the engine, which writes it; no file from the provider. */
    TEXT("txt", "text/plain", "A lighthouse on a cliff at dawn, waves below, soft gold light"
            .getBytes(StandardCharsets.UTF_8));

    private final String extension;
    private final String contentType;
    private final byte[] bytes;

    MediaKind(String extension, String contentType, byte[] bytes) {
        this.extension = extension;
        this.contentType = contentType;
        this.bytes = bytes;
    }

    /** The output file's extension, without the dot. */
    public String extension() {
        return extension;
    }

    public String contentType() {
        return contentType;
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    /** The bytes as text: for {@link #TEXT}, the answer a provider must return unchanged. */
    public String text() {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
