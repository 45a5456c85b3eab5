package dev.acp.local.media;

/**
 * Escaping of values placed inside an ffmpeg filter graph. A value such as a font path passes
 * two parsers: the filter's option parser (where {@code \ ' :} are special) and then the filter
 * graph parser (where {@code \ ' [ ] , ;} are special), so it is escaped for the first and the
 * result again for the second. Arguments go to ffmpeg without a shell, so no shell quoting.
 */
public final class FilterEscaping {
    private FilterEscaping() {}

    /** {@code value} escaped for use as one option value of a filter inside {@code -vf}/{@code -af}. */
    public static String optionValue(String value) {
        String level1 = escape(value, "\\':");
        return escape(level1, "\\'[],;");
    }

    private static String escape(String value, String specials) {
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (specials.indexOf(c) >= 0) {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }
}
