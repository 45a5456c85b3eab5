package dev.acp.provider;

import dev.acp.env.Environment;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;

/**
 * The outside world as a provider factory may see it: environment variables (credentials,
 * base URL overrides), the state directory and a clock. Injected so tests control all of it.
 *
 * @param acpHome the state directory ({@code ACP_HOME}, default {@code ~/.acp})
 */
public record ProviderContext(Environment environment, Path acpHome, Clock clock) {
    public ProviderContext {
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(acpHome, "acpHome");
        Objects.requireNonNull(clock, "clock");
    }
}
