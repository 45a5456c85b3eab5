package dev.acp.local.text;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Guesses the language of a story well enough to pick sentence rules: the writing system decides
 * for non-Latin scripts, and a count of very common words tells English and German apart from other
 * Latin-script text (which gets the language-neutral rules). Only the first few thousand characters
 * are looked at, so the cost is bounded whatever the story's length.
 */
public final class StoryLanguage {
    private static final int SAMPLE_CHARS = 5_000;
    private static final Pattern WORD = Pattern.compile("\\p{L}+");
    private static final Set<String> ENGLISH = Set.of(
            "the", "and", "of", "to", "a", "in", "was", "he", "she", "it", "his", "her", "with", "they", "on", "for",
            "is", "that", "at", "as", "had", "were", "an", "but", "i", "you", "we", "this", "from", "into");
    private static final Set<String> GERMAN = Set.of(
            "der", "die", "das", "und", "ist", "nicht", "ein", "eine", "zu", "sich", "mit", "den", "von", "er", "sie",
            "es", "war", "auf", "dem", "im", "ich", "des", "auch", "wie", "aber", "einen", "einem");

    private StoryLanguage() {}

    /** The language of {@code text}: {@code ja}, {@code zh}, {@code ko}, {@code ar}, {@code en}, ... or root. */
    public static Locale detect(String text) {
        String sample = text.length() > SAMPLE_CHARS ? text.substring(0, SAMPLE_CHARS) : text;
        int kana = 0;
        int han = 0;
        int hangul = 0;
        int arabic = 0;
        int hebrew = 0;
        int thai = 0;
        int cyrillic = 0;
        int devanagari = 0;
        int greek = 0;
        int latin = 0;
        for (int i = 0; i < sample.length(); ) {
            int cp = sample.codePointAt(i);
            i += Character.charCount(cp);
            if (!Character.isLetter(cp)) {
                continue;
            }
            switch (Character.UnicodeScript.of(cp)) {
                case HIRAGANA, KATAKANA -> kana++;
                case HAN -> han++;
                case HANGUL -> hangul++;
                case ARABIC -> arabic++;
                case HEBREW -> hebrew++;
                case THAI -> thai++;
                case CYRILLIC -> cyrillic++;
                case DEVANAGARI -> devanagari++;
                case GREEK -> greek++;
                case LATIN -> latin++;
                default -> {
                    // Other scripts fall through to the neutral rules.
                }
            }
        }
        int letters = kana + han + hangul + arabic + hebrew + thai + cyrillic + devanagari + greek + latin;
        if (letters == 0) {
            return Locale.ROOT;
        }
        if (kana > 0 && kana + han > letters / 3) {
            return Locale.JAPANESE;
        }
        if (han > letters / 3) {
            return Locale.CHINESE;
        }
        int[] counts = {hangul, arabic, hebrew, thai, cyrillic, devanagari, greek};
        String[] tags = {"ko", "ar", "he", "th", "ru", "hi", "el"};
        for (int k = 0; k < counts.length; k++) {
            if (counts[k] > letters / 2) {
                return Locale.forLanguageTag(tags[k]);
            }
        }
        return latinLanguage(sample);
    }

    private static Locale latinLanguage(String sample) {
        int words = 0;
        int english = 0;
        int german = 0;
        Matcher m = WORD.matcher(sample);
        while (m.find()) {
            String w = m.group().toLowerCase(Locale.ROOT);
            words++;
            if (ENGLISH.contains(w)) {
                english++;
            }
            if (GERMAN.contains(w)) {
                german++;
            }
        }
        if (words == 0) {
            return Locale.ROOT;
        }
        // Running English prose has about a quarter of its words in the list; other languages share few.
        if (english * 8 >= words && english >= german) {
            return Locale.ENGLISH;
        }
        if (german * 8 >= words) {
            return Locale.GERMAN;
        }
        return Locale.ROOT;
    }

    /** True for scripts written without spaces between words (Chinese, Japanese, Thai). */
    static boolean spaceless(Locale locale) {
        return switch (locale.getLanguage()) {
            case "ja", "zh", "th" -> true;
            default -> false;
        };
    }

    /** True for code points of scripts written without spaces (Han, kana), counted as half words. */
    static boolean isSpacelessLetter(int cp) {
        if (!Character.isLetter(cp)) {
            return false;
        }
        return switch (Character.UnicodeScript.of(cp)) {
            case HAN, HIRAGANA, KATAKANA, THAI -> true;
            default -> false;
        };
    }
}
