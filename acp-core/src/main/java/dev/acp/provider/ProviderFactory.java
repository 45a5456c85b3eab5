package dev.acp.provider;

import dev.acp.pipeline.Capability;
import java.util.List;
import java.util.Set;

/**
 * Creates a {@link Provider}. Implementations are listed in
 * {@code META-INF/services/dev.acp.provider.ProviderFactory} and found with
 * {@link java.util.ServiceLoader}.
 */
public interface ProviderFactory {

    /** The provider id, equal to {@link Provider#id()} of what {@link #create} returns. */
    String id();

    Set<Capability> capabilities();

    /**
     * Environment variables holding this provider's credentials, in order of preference. Empty
     * for providers that need none. Only names are ever shown to users, never values.
     */
    default List<String> credentialVariables() {
        return List.of();
    }

    /**
     * What is missing for this provider to be called, as one sentence naming the variable to
     * set, or empty when its credentials are there. Checked before a run, so that nothing is
     * paid for when a later step could not run. By default: one of
     * {@link #credentialVariables()} must be set.
     */
    default java.util.Optional<String> missingCredentials(ProviderContext context) {
        List<String> vars = credentialVariables();
        if (vars.isEmpty() || context.credential(id(), vars).isPresent()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of("provider '" + id() + "' needs " + String.join(" or ", vars)
                + " to be set (or providers." + id() + ".api_key in ACP_HOME/config.yaml)");
    }

    Provider create(ProviderContext context);
}
