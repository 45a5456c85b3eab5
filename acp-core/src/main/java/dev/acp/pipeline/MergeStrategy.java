package dev.acp.pipeline;

import java.util.Arrays;
import java.util.Optional;

/** How a parallel group turns the results of its members into the group's result. */
public enum MergeStrategy {
    /** Every member runs; the group succeeds when all members succeed. */
    COLLECT_ALL("collect_all"),
    /** Members race; the first success wins and the others are cancelled. */
    FIRST_SUCCESS("first_success"),
    /** Every member runs; the successful member with the highest quality score is selected. */
    BEST_QUALITY("best_quality");

    private final String wireName;

    MergeStrategy(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<MergeStrategy> fromWireName(String name) {
        return Arrays.stream(values()).filter(m -> m.wireName.equals(name)).findFirst();
    }

    @Override
    public String toString() {
        return wireName;
    }
}
