package dev.acp.content.shots;

import java.util.Locale;

/** How a shot begins. */
public enum Transition {
    /** The first shot of the video: nothing comes before it. */
    START,
    /** A hard cut: the picture changes from one frame to the next. */
    CUT,
    /** A dissolve (cross-fade): the previous shot blends into this one over several frames. */
    DISSOLVE,
    /** A fade through black: the previous shot fades out to black and this one fades in from it. */
    FADE;

    /** Lower-case name used in JSON and tables, for example {@code dissolve}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
