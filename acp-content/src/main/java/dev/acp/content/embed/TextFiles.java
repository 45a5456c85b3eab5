package dev.acp.content.embed;

import dev.acp.error.UsageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Text files to embed, read as strict UTF-8: a Latin-1 file would otherwise embed replacement
 * characters without a word.
 */
public final class TextFiles {
    private TextFiles() {}

    /**
     * The text of {@code path}.
     *
     * @param shown how the user named the file, for messages
     * @param missingHint what to check when the file does not exist, after "check "
     * @throws UsageException when the file is missing, unreadable or not UTF-8
     */
    public static String read(Path path, Object shown, String missingHint) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new UsageException(shown + " does not exist; check " + missingHint);
        } catch (IOException e) {
            throw new UsageException("could not read " + shown + " (" + e.getMessage() + "); check the path and its"
                    + " permissions");
        }
        return decode(bytes).orElseThrow(() -> new UsageException(shown + " is not UTF-8 text (" + firstBadByte(bytes)
                + "); convert it, for example with: iconv -f latin1 -t utf-8"));
    }

    /** {@code bytes} as UTF-8 text, or empty when they are not valid UTF-8. */
    public static Optional<String> decode(byte[] bytes) {
        try {
            return Optional.of(strict().decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether {@code bytes} read as text: valid UTF-8 with no NUL and no control character other
     * than tab, line feed, carriage return and form feed. Media containers fail this within their
     * first bytes.
     */
    public static boolean looksLikeText(byte[] bytes) {
        Optional<String> text = decode(bytes);
        return text.isPresent() && text.get().chars().noneMatch(c -> c < 0x20 && c != '\t' && c != '\n' && c != '\r'
                && c != '\f');
    }

    private static CharsetDecoder strict() {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    private static String firstBadByte(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        var result = strict().decode(in, CharBuffer.allocate(bytes.length + 1), true);
        return result.isError() ? "byte " + (in.position() + 1) + " is not valid UTF-8" : "invalid UTF-8";
    }
}
