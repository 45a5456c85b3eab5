package dev.acp.health;

import dev.acp.provider.AccessCheck;
import dev.acp.provider.ProviderFactory;
import dev.acp.provider.ProviderRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The checks {@code acp doctor} and the server's {@code /health/ready} share: whether the state
 * folder takes a file, and how a provider answers its free call. Never a paid call: a provider's
 * {@link dev.acp.provider.Provider#checkAccess()} is a listing or an account read, and a provider
 * without credentials is not contacted at all.
 */
public final class Probes {
    private Probes() {}

    /** Creates {@code home} if need be and writes and deletes a file in it. */
    public static AccessCheck stateFolderWritable(Path home) {
        try {
            Files.createDirectories(home);
            Path probe = Files.createTempFile(home, ".probe-", ".tmp");
            Files.delete(probe);
            return AccessCheck.ok(home + " (writable)");
        } catch (IOException | RuntimeException e) {
            return new AccessCheck(AccessCheck.Status.FAILED, home + " is not writable: " + e.getMessage(),
                    "set ACP_HOME to a folder you can write to");
        }
    }

    /**
     * A provider's free check: not configured (its credentials are missing), not contacted
     * ({@code contact} false, for a provider with credentials), or what its free call found.
     */
    public static AccessCheck provider(ProviderFactory f, ProviderRegistry registry, boolean contact)
            throws InterruptedException {
        var missing = f.missingCredentials(registry.context());
        if (missing.isPresent()) {
            return new AccessCheck(AccessCheck.Status.NOT_CHECKED, "not configured: " + missing.get(),
                    "only needed for steps that use " + f.id() + ": set "
                            + String.join(" or ", f.credentialVariables()) + ", or api_key in config.yaml");
        }
        if (!contact && !f.credentialVariables().isEmpty()) {
            return AccessCheck.notChecked("credentials set; not contacted (--offline)");
        }
        return registry.provider(f.id()).checkAccess();
    }
}
