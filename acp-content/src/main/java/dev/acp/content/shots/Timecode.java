package dev.acp.content.shots;

import java.util.Locale;

/** Times as people read them in shot lists: {@code H:MM:SS.mmm}. */
public final class Timecode {
    private Timecode() {}

    /** {@code seconds} as {@code H:MM:SS.mmm}, for example {@code 0:01:02.500}. */
    public static String format(double seconds) {
        long millis = Math.round(Math.max(0, seconds) * 1000);
        return String.format(Locale.ROOT, "%d:%02d:%02d.%03d", millis / 3_600_000, millis / 60_000 % 60,
                millis / 1000 % 60, millis % 1000);
    }
}
