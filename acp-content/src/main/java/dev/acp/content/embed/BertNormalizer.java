package dev.acp.content.embed;

import java.text.Normalizer;

/**
 * The text clean-up of the model's tokenizer ({@code BertNormalizer} in its tokenizer JSON with
 * {@code clean_text}, {@code handle_chinese_chars}, {@code lowercase} on and {@code strip_accents}
 * unset, which then follows {@code lowercase}), in the same order as the Hugging Face tokenizers
 * library applies it, because a vector is only the model's vector if every step matches:
 *
 * <ol>
 *   <li>drop NUL, U+FFFD and control/format/unassigned/private-use characters (tab, newline and
 *       carriage return stay), turn every Unicode white space into a plain space;
 *   <li>put spaces around CJK ideographs, so each becomes a word of its own;
 *   <li>decompose (NFD) and drop non-spacing marks: "déjà" becomes "deja";
 *   <li>lower-case character by character (no context rules such as Greek final sigma).
 * </ol>
 */
final class BertNormalizer {
    private BertNormalizer() {}

    static String normalize(String text) {
        StringBuilder cleaned = new StringBuilder(text.length() + 16);
        text.codePoints().forEach(c -> {
            if (c == 0 || c == 0xFFFD || isControl(c)) {
                return;
            }
            if (isWhitespace(c)) {
                cleaned.append(' ');
            } else if (isCjk(c)) {
                cleaned.append(' ').appendCodePoint(c).append(' ');
            } else {
                cleaned.appendCodePoint(c);
            }
        });
        String decomposed = Normalizer.normalize(cleaned, Normalizer.Form.NFD);
        StringBuilder out = new StringBuilder(decomposed.length());
        decomposed.codePoints().forEach(c -> {
            if (Character.getType(c) != Character.NON_SPACING_MARK) {
                out.appendCodePoint(Character.toLowerCase(c));
            }
        });
        return out.toString();
    }

    /** Unicode's White_Space property (wider than {@link Character#isWhitespace}: it has U+00A0). */
    static boolean isWhitespace(int c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r'
                || c == 0x0B || c == 0x0C || c == 0x85 || c == 0xA0 || c == 0x1680
                || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F
                || c == 0x205F || c == 0x3000;
    }

    /** Unicode category "Other" except surrogates: Cc, Cf, Cn, Co; tab, newline and CR are spaces. */
    static boolean isControl(int c) {
        if (c == '\t' || c == '\n' || c == '\r') {
            return false;
        }
        int type = Character.getType(c);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.UNASSIGNED
                || type == Character.PRIVATE_USE;
    }

    /** The CJK Unified Ideographs blocks as BERT lists them (not kana or hangul). */
    static boolean isCjk(int c) {
        return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF)
                || (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F)
                || (c >= 0x2B820 && c <= 0x2CEAF) || (c >= 0xF900 && c <= 0xFAFF)
                || (c >= 0x2F800 && c <= 0x2FA1F);
    }

    /** BERT's punctuation: ASCII punctuation (which includes $, +, ^ ...) and Unicode P* categories. */
    static boolean isPunctuation(int c) {
        if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126)) {
            return true;
        }
        return switch (Character.getType(c)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION,
                    Character.FINAL_QUOTE_PUNCTUATION, Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }
}
