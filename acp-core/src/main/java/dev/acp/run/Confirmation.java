package dev.acp.run;

import java.util.Optional;

/**
 * How a run that needs the user's agreement before it spends gets it: a question on a terminal,
 * {@code --yes}, or nobody to ask. A run needs agreement when its pessimistic cost is above
 * {@code confirm_above}, or when a paid step's price is unknown and no limit caps it.
 */
@FunctionalInterface
public interface Confirmation {
    /** Nobody to ask: a run that needs agreement is refused (the library's default). */
    Confirmation NOBODY = question -> Optional.empty();
    /** Agreement given in advance ({@code --yes}). */
    Confirmation YES = question -> Optional.of(true);

    /**
     * @param question one sentence: what the run may cost and why it asks
     * @return the answer, or empty when there is nobody to ask (no terminal)
     */
    Optional<Boolean> ask(String question);
}
