package dev.acp.testkit.contract;

import java.nio.charset.StandardCharsets;

/** What a provider's result is, with the first bytes of a file of that kind: enough for ACP's content check. */
public enum MediaKind {
    IMAGE("png", "image/png", new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13, 'I', 'H', 'D',
        'R'}),
    AUDIO("mp3", "audio/mpeg", new byte[] {'I', 'D', '3', 4, 0, 0, 0, 0, 0, 0, 'f', 'a', 'k', 'e'}),
    VIDEO("mp4", "video/mp4", "\0\0\0 ftypisom fake mp4 body, long enough".getBytes(StandardCharsets.ISO_8859_1));

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
}
