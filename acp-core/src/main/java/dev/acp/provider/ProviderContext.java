package dev.acp.provider;

import dev.acp.config.AcpConfig;
import dev.acp.util.Sleeper;
import dev.acp.env.Environment;
import dev.acp.http.Governors;
import dev.acp.http.HttpTransport;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The outside world as a provider factory may see it: environment variables (credentials,
 * base URL overrides), the state directory, a clock, the one HTTP transport of the process and
 * the per-provider rate governors. Injected so tests control all of it.
 *
 * @param acpHome the state directory ({@code ACP_HOME}, default {@code ~/.acp})
 */
public record ProviderContext(
        Environment environment, Path acpHome, Clock clock, HttpTransport transport, Governors governors,
        AcpConfig config) {
    public ProviderContext {
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(acpHome, "acpHome");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(governors, "governors");
        Objects.requireNonNull(config, "config");
    }

    /**
     * A context with a new transport and governors that wait for real, and the user's
     * {@code ACP_HOME/config.yaml}, read once here.
     */
    public static ProviderContext of(Environment environment, Path acpHome, Clock clock) {
        AcpConfig config = AcpConfig.load(acpHome);
        return new ProviderContext(environment, acpHome, clock, HttpTransport.create(clock, Sleeper.SYSTEM),
                new Governors(environment, config, clock, Sleeper.SYSTEM), config);
    }

    /** This context with another transport (one that reports to metrics, say). */
    public ProviderContext withTransport(HttpTransport value) {
        return new ProviderContext(environment, acpHome, clock, value, governors, config);
    }

    /**
     * A provider's base URL: {@code ACP_<PROVIDER>_BASE_URL}, else {@code base_url} in
     * config.yaml, else {@code defaultUrl}; without a trailing slash.
     */
    public String baseUrl(String provider, String defaultUrl) {
        String url = environment.get(envName(provider, "BASE_URL"))
                .or(() -> Optional.ofNullable(config.provider(provider).baseUrl()))
                .orElse(defaultUrl);
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** A provider's API key: the first of {@code variables} that is set, else {@code api_key} in config.yaml. */
    public Optional<String> credential(String provider, List<String> variables) {
        for (String v : variables) {
            Optional<String> value = environment.get(v);
            if (value.isPresent()) {
                return value.map(String::strip);
            }
        }
        return Optional.ofNullable(config.provider(provider).apiKey());
    }

    /** {@code ACP_<PROVIDER>_<SUFFIX>}, the provider id upper-cased with non-alphanumerics as '_'. */
    public static String envName(String provider, String suffix) {
        return "ACP_" + provider.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_") + "_" + suffix;
    }
}
