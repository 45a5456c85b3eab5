package dev.acp.content.shots;

import java.util.Objects;

/**
 * Where a new shot begins.
 *
 * @param frame the first frame of the new shot (for a gradual transition, its middle)
 * @param transition how the new shot begins
 * @param length how many frames the transition took (1 for a cut)
 * @param confidence 0 to 1
 */
record Boundary(int frame, Transition transition, int length, double confidence) {
    Boundary {
        Objects.requireNonNull(transition, "transition");
        if (transition == Transition.START) {
            throw new IllegalArgumentException("a boundary is between two shots");
        }
    }
}
