package dev.acp.providers.openai;

import java.util.regex.Pattern;

/** Tidying of model answers that should be plain text. */
final class Answers {
    private static final Pattern FENCE = Pattern.compile("^```[\\w-]*\\s*\\n(.*?)\\n?```$", Pattern.DOTALL);

    private Answers() {}

    /**
     * The answer without a surrounding Markdown code fence or quotation marks, which models add
     * although told not to; inner text is left as written.
     */
    static String clean(String answer) {
        String t = answer.strip();
        var m = FENCE.matcher(t);
        if (m.matches()) {
            t = m.group(1).strip();
        }
        if (quoted(t, '"', '"') || quoted(t, '\u201c', '\u201d')) {
            t = t.substring(1, t.length() - 1).strip();
        }
        return t;
    }

    /** Whether the whole text is one quotation, with no other quotation mark inside. */
    private static boolean quoted(String t, char open, char close) {
        if (t.length() < 2 || t.charAt(0) != open || t.charAt(t.length() - 1) != close) {
            return false;
        }
        String inner = t.substring(1, t.length() - 1);
        return inner.indexOf(open) < 0 && inner.indexOf(close) < 0;
    }
}
