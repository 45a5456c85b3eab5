package dev.acp.content.items;

import java.util.List;

/**
 * The items of a file and what is wrong with it. Nothing is built from a set with problems: every
 * problem is reported first, so one edit fixes them all.
 *
 * @param items the items, in file order (those with problems left out)
 * @param problems every problem found, in file order
 */
public record ItemSet(List<Item> items, List<ItemProblem> problems) {
    public ItemSet {
        items = List.copyOf(items);
        problems = List.copyOf(problems);
    }

    public boolean valid() {
        return problems.isEmpty();
    }
}
