package dev.acp.providers.support;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The last unusable answer of each step, so the next attempt of that step (the engine's retry,
 * governed by {@code retry_count} and the budget) can show the model what it wrote and why it was
 * rejected instead of sampling blind. Held per provider instance, keyed by run and step id
 * ({@link #key}), bounded (the
 * oldest step is forgotten first) and cleared when the step succeeds. Thread-safe: steps run in
 * parallel.
 *
 * <p>Shared by every provider that repairs this way (the OpenAI-compatible chat providers and
 * Gemini), so the cap and the words of the request are the same everywhere; each provider puts
 * the rejected answer and {@link Unusable#repairRequest()} into its own wire format.
 */
public final class RepairMemory {
    /** Steps remembered at once; a run rarely has more LLM steps failing at the same time. */
    public static final int MAX_STEPS = 32;
    /** The longest previous answer sent back; enough to show the mistake without doubling a long prompt. */
    public static final int MAX_ANSWER_CHARS = 16_000;

    /** What a step's previous attempt answered (capped at {@link #MAX_ANSWER_CHARS}) and why it was not usable. */
    public record Unusable(String answer, String reason) {
        /** The user's turn after the rejected answer: the reason, and the request to answer again. */
        public String repairRequest() {
            return "Your previous answer was not usable: " + reason
                    + ". Answer again with JSON only that matches the schema.";
        }
    }

    private final Map<String, Unusable> byStep = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Unusable> eldest) {
            return size() > MAX_STEPS;
        }
    };

    /**
     * The key of a step's attempts: its run and its id, so that steps of the same name in two runs
     * of one process (a server, a library user) never see each other's answers.
     */
    public static String key(dev.acp.provider.ProviderRequest request) {
        return request.context().runId() + "\u0000" + request.stepId();
    }

    public synchronized void remember(String key, String answer, String reason) {
        String kept = answer.length() <= MAX_ANSWER_CHARS ? answer : answer.substring(0, MAX_ANSWER_CHARS);
        byStep.put(key, new Unusable(kept, reason));
    }

    public synchronized Optional<Unusable> previous(String key) {
        return Optional.ofNullable(byStep.get(key));
    }

    public synchronized void forget(String key) {
        byStep.remove(key);
    }
}
