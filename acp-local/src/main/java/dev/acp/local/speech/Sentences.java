package dev.acp.local.speech;

import java.util.ArrayList;
import java.util.List;

/** Splits text into sentences of bounded length, the unit in which engines speak and check for cancellation. */
public final class Sentences {
    /** Longest piece handed to an engine at once; longer sentences are cut at commas or spaces. */
    public static final int MAX_CHARS = 300;

    private Sentences() {}

    /** The sentences of {@code text}, stripped, none empty, none longer than {@link #MAX_CHARS}. */
    public static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        for (String paragraph : text.split("\\R\\s*\\R|(?<=[.!?…])[\"'”’)]?\\s+")) {
            String sentence = paragraph.strip().replaceAll("\\s+", " ");
            while (sentence.length() > MAX_CHARS) {
                int cut = lastBreak(sentence, MAX_CHARS);
                out.add(sentence.substring(0, cut).strip());
                sentence = sentence.substring(cut).strip();
            }
            if (!sentence.isEmpty()) {
                out.add(sentence);
            }
        }
        return out;
    }

    private static int lastBreak(String s, int limit) {
        for (String mark : new String[] {"; ", ", ", ": ", " "}) {
            int at = s.lastIndexOf(mark, limit - mark.length());
            if (at > limit / 3) {
                return at + mark.length() - 1;
            }
        }
        return limit;
    }
}
