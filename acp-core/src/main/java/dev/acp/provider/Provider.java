package dev.acp.provider;

import dev.acp.pipeline.Capability;
import dev.acp.error.ProviderException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A source of generated media for one or more {@link Capability capabilities}. Implementations
 * are created by a {@link ProviderFactory} and must be safe to call from many threads at once.
 *
 * <p>Calls block; the engine runs each on its own virtual thread. A call must stop promptly when
 * its thread is interrupted (timeout, cancellation) and throw {@link InterruptedException}.
 */
public interface Provider {

    /** Stable id used in pipeline files ({@code provider: local}). */
    String id();

    Set<Capability> capabilities();

    /**
     * True for engines whose output is a stand-in for AI output (the offline renderers). Reports
     * label such outputs as previews so they are never mistaken for generated media.
     */
    default boolean preview() {
        return false;
    }

    /**
     * Whether calls can cost money. The journal forces the records of such steps to disk before
     * the engine acts on them; steps of free providers are journaled in batches. Defaults to
     * "costs money" for everything that is not a preview engine.
     */
    default boolean costsMoney() {
        return !preview();
    }

    /**
     * Whether the same request always gives the same output (a seeded model, an offline
     * renderer). Cached results of other steps are still used, but the report says that a new
     * call would give a different output.
     */
    default boolean deterministic(Capability capability, Map<String, Object> parameters) {
        return parameters.get("seed") != null;
    }

    /**
     * Changes whenever the same request would now produce a different output (a new renderer, a
     * different model mapping); part of every cache key, so that such a change re-runs steps.
     */
    default String revision() {
        return "1";
    }

    /**
     * Parameters this provider reads for {@code capability}, beyond which a parameter is ignored.
     * Used to warn at validation time. An empty set means "accepts anything" (pass-through).
     */
    default Set<String> parameters(Capability capability) {
        return Set.of();
    }

    /**
     * Provider-specific checks of a step, run during validation before anything is paid for.
     * {@code parameters} are the step's config as written: {@code ${NAME}} is already substituted,
     * but {@code {{...}}} references to inputs and other steps are not resolved yet, so a string
     * containing <code>{{</code> must be accepted as "known at run time".
     *
     * @param outputExtension the extension of the step's output file, lower case, no dot
     */
    default List<Issue> check(
            Capability capability, @Nullable String model, Map<String, Object> parameters, String outputExtension) {
        return List.of();
    }

    /**
     * Checks that the credentials work and the service answers, with a call that costs nothing
     * (listing models, reading the account), for {@code acp doctor}. Answers within about ten
     * seconds; never throws for a provider's error, which is what it reports.
     */
    default AccessCheck checkAccess() throws InterruptedException {
        return AccessCheck.notChecked("this provider has no free call to check with");
    }

    /**
     * The model this provider calls for a step of {@code capability} that names none, when the
     * provider decides it itself (a chat provider's {@code ACP_<ID>_MODEL}); empty to leave it to
     * the pricing catalog's default. Estimates and reservations price this model, so that a
     * limit is checked against what will really be called.
     */
    default java.util.Optional<String> configuredDefaultModel(Capability capability) {
        return java.util.Optional.empty();
    }


    /**
     * Looks up the result of a paid request this step sent at {@code sentAt} whose answer was
     * lost (the process stopped while it was on its way), where the provider keeps results it
     * billed (ElevenLabs' history): found, it is the step's result without a second charge. The
     * request is the same one that was sent. By default nothing can be looked up.
     */
    default CallRecovery recoverCall(ProviderRequest request, java.time.Instant sentAt)
            throws ProviderException, InterruptedException {
        return new CallRecovery.Unknown(id() + " keeps no record of its answers to look this request up in");
    }

    /** Runs one attempt of a step. */
    ProviderResult execute(ProviderRequest request) throws ProviderException, InterruptedException;

    /**
     * A provider-specific validation finding: an error refuses the pipeline, a warning is shown
     * and the run goes ahead (a part of the step this provider or model ignores, for example).
     *
     * @param parameter the offending config key, or null when it concerns the step as a whole
     *     (for example {@code output_filename})
     */
    record Issue(@Nullable String parameter, String message, String fix, Severity severity) {
        public enum Severity { ERROR, WARNING }

        public Issue {
            java.util.Objects.requireNonNull(severity, "severity");
        }

        /** An error. */
        public Issue(@Nullable String parameter, String message, String fix) {
            this(parameter, message, fix, Severity.ERROR);
        }

        public static Issue warning(@Nullable String parameter, String message, String fix) {
            return new Issue(parameter, message, fix, Severity.WARNING);
        }

        public boolean isWarning() {
            return severity == Severity.WARNING;
        }
    }
}
