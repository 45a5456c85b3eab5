package dev.acp.providers.openai;

import dev.acp.catalog.ProviderCatalog;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.error.UsageException;
import dev.acp.http.Governor;
import dev.acp.pipeline.Capability;
import dev.acp.provider.ProviderContext;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Everything that differs between the servers one {@link ChatClient} talks to, decided once by
 * the factory when the provider is created.
 *
 * @param provider the provider id ({@code openrouter}, {@code openai}), also the governor's name
 * @param baseUri the API root, without a trailing slash ({@code .../v1})
 * @param apiKey the key sent as {@code Authorization: Bearer}, or null to send none
 * @param keyVariable the variable that holds the key, for messages (never its value)
 * @param keyRequired whether a call without a key must fail before it is sent
 * @param headers further headers of every call (OpenRouter's attribution headers)
 * @param server what kind of server this is; {@link ServerKind#LOCAL} makes calls free
 * @param maxCompletionTokens whether the answer limit goes in {@code max_completion_tokens}
 *     (OpenAI, OpenRouter) rather than {@code max_tokens} (Ollama and most compatible servers)
 * @param timeout the time limit of one call
 * @param defaultModels the model of each capability when a step names none
 * @param limits the governor's defaults (config.yaml and {@code ACP_<ID>_*} variables override them)
 */
record ChatEndpoint(
        String provider,
        URI baseUri,
        @Nullable String apiKey,
        String keyVariable,
        boolean keyRequired,
        Map<String, String> headers,
        ServerKind server,
        boolean maxCompletionTokens,
        Duration timeout,
        Map<Capability, String> defaultModels,
        Governor.Settings limits) {

    ChatEndpoint {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(baseUri, "baseUri");
        headers = Map.copyOf(headers);
        defaultModels = Map.copyOf(defaultModels);
        for (Capability c : ChatProvider.CAPABILITIES) {
            if (!defaultModels.containsKey(c)) {
                throw new IllegalArgumentException("no default model for " + c);
            }
        }
    }

    /** Local servers are free: nothing is paid, and an answer without a price cost zero. */
    boolean free() {
        return server == ServerKind.LOCAL;
    }

    URI completionsUri() {
        return URI.create(baseUri + "/chat/completions");
    }

    /** {@code path} below the API root ({@code /audio/speech}). */
    URI uri(String path) {
        return URI.create(baseUri + path);
    }

    /** The headers of a JSON call: content type, the answer wanted, and the key when there is one. */
    Map<String, String> headers(String accept) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put("Content-Type", "application/json");
        h.put("Accept", accept);
        if (apiKey != null) {
            h.put("Authorization", "Bearer " + apiKey);
        }
        return h;
    }

    /** The values every message about a call must mask. */
    List<String> secrets() {
        return apiKey == null ? List.of() : List.of(apiKey);
    }

    /** The key out of a message built from a server's words. */
    String mask(String message) {
        return apiKey == null || apiKey.length() < 4 ? message : message.replace(apiKey, "****");
    }

    /** Fails before anything is sent when the server needs a key and none is set. */
    void requireKey() throws ProviderException {
        if (keyRequired && apiKey == null) {
            throw new ProviderException(ErrorKind.AUTH, provider + ": no API key; set "
                    + keyVariable + " (or providers." + provider + ".api_key in ACP_HOME/config.yaml)");
        }
    }

    /** The base URL of a provider as a URI ({@code ACP_<ID>_BASE_URL}, config.yaml, or the default). */
    static URI baseUri(ProviderContext context, String provider, String defaultUrl) {
        String url = context.baseUrl(provider, defaultUrl);
        try {
            URI uri = new URI(url);
            if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
                throw new URISyntaxException(url, "not an http(s) URL with a host");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new UsageException("the base URL of provider '" + provider + "' is not usable: '" + url + "' ("
                    + e.getReason() + "); set " + ProviderContext.envName(provider, "BASE_URL")
                    + " or providers." + provider + ".base_url to for example " + defaultUrl);
        }
    }

    /** {@code ACP_<ID>_TIMEOUT} in seconds, else {@code fallback}. */
    static Duration timeout(ProviderContext context, String provider, Duration fallback) {
        String name = ProviderContext.envName(provider, "TIMEOUT");
        Optional<String> value = context.environment().get(name);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            double seconds = Double.parseDouble(value.get().strip());
            if (seconds > 0 && seconds <= 24 * 3600) {
                return Duration.ofMillis(Math.max(1, (long) (seconds * 1000)));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(name + " must be a number of seconds between 0 and 86400, not '" + value.get() + "'");
    }

    /**
     * The default model of every chat capability: {@code ACP_<ID>_MODEL} when set (for all of
     * them, the usual way to pick a model pulled on a local server), else {@code builtIn}.
     */
    static Map<Capability, String> defaultModels(ProviderContext context, String provider,
            Map<Capability, String> builtIn) {
        Optional<String> override = context.environment().get(ProviderContext.envName(provider, "MODEL"))
                .map(String::strip);
        Map<Capability, String> out = new EnumMap<>(Capability.class);
        builtIn.forEach((c, m) -> out.put(c, override.orElse(m)));
        return out;
    }

    /** A catalog model name of {@code provider} as the provider's own id; any other name as written. */
    static String resolve(ProviderCatalog catalog, String provider, String model) {
        return catalog.model(model).filter(m -> m.provider().equals(provider))
                .map(ProviderCatalog.ModelEntry::providerModelId).orElse(model);
    }
}
