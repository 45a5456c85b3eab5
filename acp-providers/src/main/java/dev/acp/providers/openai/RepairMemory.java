package dev.acp.providers.openai;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The last unusable answer of each step, so the next attempt of that step (the engine's retry,
 * governed by {@code retry_count} and the budget) can show the model what it wrote and why it was
 * rejected instead of sampling blind. Held per provider instance, keyed by step id, bounded (the
 * oldest step is forgotten first) and cleared when the step succeeds.
 */
final class RepairMemory {
    /** Steps remembered at once; a run rarely has more LLM steps failing at the same time. */
    static final int MAX_STEPS = 32;
    /** The longest previous answer sent back; enough to show the mistake without doubling a long prompt. */
    static final int MAX_ANSWER_CHARS = 16_000;

    /** What a step's previous attempt answered and why it was not usable. */
    record Unusable(String answer, String reason) {}

    private final Map<String, Unusable> byStep = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Unusable> eldest) {
            return size() > MAX_STEPS;
        }
    };

    synchronized void remember(String stepId, String answer, String reason) {
        String kept = answer.length() <= MAX_ANSWER_CHARS ? answer : answer.substring(0, MAX_ANSWER_CHARS);
        byStep.put(stepId, new Unusable(kept, reason));
    }

    synchronized Optional<Unusable> previous(String stepId) {
        return Optional.ofNullable(byStep.get(stepId));
    }

    synchronized void forget(String stepId) {
        byStep.remove(stepId);
    }
}
