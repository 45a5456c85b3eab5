package dev.acp.local.video;

import java.util.Locale;
import java.util.Optional;

/** The camera moves of a pan-and-zoom, all eased in and out. */
public enum Motion {
    /** Slowly closes in on the centre, from the full frame to 125%. */
    ZOOM_IN,
    /** The reverse: from 125% out to the full frame. */
    ZOOM_OUT,
    /** At 120% zoom, the view travels from the right edge to the left. */
    PAN_LEFT,
    /** At 120% zoom, the view travels from the left edge to the right. */
    PAN_RIGHT;

    public static Optional<Motion> parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
        for (Motion m : values()) {
            if (m.wireName().equals(t)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /** The motion for a hash, so each seed gets its own default. */
    public static Motion fromHash(long hash) {
        return values()[(int) Math.floorMod(hash, (long) values().length)];
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** All motion names, for messages. */
    public static String names() {
        return "zoom_in, zoom_out, pan_left, pan_right";
    }
}
