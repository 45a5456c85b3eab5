package dev.acp.providers.openai;

import dev.acp.catalog.ProviderCatalog;
import dev.acp.http.Governor;
import dev.acp.pipeline.Capability;
import dev.acp.provider.Provider;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderFactory;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code openai}: OpenAI's chat API, or any OpenAI-compatible server named by
 * {@code ACP_OPENAI_BASE_URL} (or {@code providers.openai.base_url}), such as Ollama at
 * {@code http://localhost:11434/v1}. Serves {@code prompt_generation}, {@code image_understanding}
 * and {@code story_to_scenes} by chat completions, {@code text_to_speech} by
 * {@code POST /audio/speech} and {@code text_to_image} by {@code POST /images/generations}, so
 * that OpenAI itself and self-hosted compatible servers (Ollama for chat, Kokoro-FastAPI or
 * LocalAI for speech and images) work by base URL alone.
 *
 * <p>What the base URL's host says decides the rest ({@link ServerKind}):
 * <ul>
 *   <li>{@code api.openai.com}: {@code OPENAI_API_KEY} is required; calls cost money, but the
 *       answers carry no price, so the cost is unknown (the estimate stands). Default model
 *       {@code gpt-4o-mini}; 8 calls at once, 10 per second.
 *   <li>this machine or the private network (loopback, RFC 1918, {@code .local}, single-label
 *       names): no key needed, calls are free and cost zero. Default models {@code llama3.2} and,
 *       for images, {@code llama3.2-vision}; 2 calls at once, because Ollama runs only a few
 *       requests in parallel and queues the rest, where they would eat into their own timeouts.
 *       Timeout 600 s: a first call loads the model, and CPUs are slow.
 *   <li>any other host: the key is sent when set but not required; calls may cost money and an
 *       unreported price is unknown. 4 calls at once, 5 per second, until the server's 429s
 *       say more.
 * </ul>
 * {@code ACP_OPENAI_MODEL} sets the default model of the three chat capabilities (the usual way
 * to name the model pulled on a local server); {@code ACP_OPENAI_SPEECH_MODEL} (default
 * {@code gpt-4o-mini-tts} on OpenAI, which follows emotion instructions, and {@code tts-1}, the
 * name compatible servers map, elsewhere), {@code ACP_OPENAI_VOICE} (default {@code alloy}) and
 * {@code ACP_OPENAI_IMAGE_MODEL} (default {@code gpt-image-1}) those of speech and images;
 * {@code ACP_OPENAI_TIMEOUT} the time limit of one call in seconds.
 */
public final class OpenAiProviderFactory implements ProviderFactory {
    public static final String ID = "openai";
    static final String KEY_VARIABLE = "OPENAI_API_KEY";
    static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";

    private final Function<URI, ServerKind> classifier;

    /** For {@link java.util.ServiceLoader}: the server kind is read from the base URL. */
    public OpenAiProviderFactory() {
        this(ServerKind::of);
    }

    /** For tests: a WireMock on localhost can then play api.openai.com or a remote server. */
    OpenAiProviderFactory(Function<URI, ServerKind> classifier) {
        this.classifier = Objects.requireNonNull(classifier, "classifier");
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Set<Capability> capabilities() {
        return OpenAiProvider.CAPABILITIES;
    }

    @Override
    public List<String> credentialVariables() {
        return List.of(KEY_VARIABLE);
    }

    /** A key is needed only by OpenAI itself; a local or other compatible server is asked as it is. */
    @Override
    public Optional<String> missingCredentials(ProviderContext context) {
        if (server(context) != ServerKind.OPENAI) {
            return Optional.empty();
        }
        return ProviderFactory.super.missingCredentials(context);
    }

    @Override
    public Provider create(ProviderContext context) {
        URI base = ChatEndpoint.baseUri(context, ID, DEFAULT_BASE_URL);
        ServerKind server = server(context);
        ChatEndpoint endpoint = new ChatEndpoint(
                ID,
                base,
                context.credential(ID, credentialVariables()).orElse(null),
                KEY_VARIABLE,
                server == ServerKind.OPENAI,
                Map.of(),
                server,
                // OpenAI's newer models refuse max_tokens; Ollama and most compatible servers read only it.
                server == ServerKind.OPENAI,
                ChatEndpoint.timeout(context, ID, Duration.ofSeconds(server == ServerKind.LOCAL ? 600 : 180)),
                ChatEndpoint.defaultModels(context, ID, defaultModels(server)),
                limits(server));
        var env = context.environment();
        return new OpenAiProvider(endpoint, context, ProviderCatalog.builtIn(),
                env.get(ProviderContext.envName(ID, "SPEECH_MODEL")).map(String::strip)
                        .orElse(server == ServerKind.OPENAI ? "gpt-4o-mini-tts" : "tts-1"),
                env.get(ProviderContext.envName(ID, "VOICE")).map(String::strip).orElse("alloy"),
                env.get(ProviderContext.envName(ID, "IMAGE_MODEL")).map(String::strip).orElse("gpt-image-1"));
    }

    /**
     * What the configured server is, from its address, unless {@code providers.openai.billed} in
     * ACP_HOME/config.yaml says otherwise: a gateway on the private network that bills its calls
     * ({@code billed: true}) is paid like a hosted server, journaled and priced; a server of one's
     * own with a public name ({@code billed: false}) is free.
     */
    private ServerKind server(ProviderContext context) {
        ServerKind byAddress = classifier.apply(ChatEndpoint.baseUri(context, ID, DEFAULT_BASE_URL));
        Boolean billed = context.config().provider(ID).billed();
        if (Boolean.TRUE.equals(billed) && byAddress == ServerKind.LOCAL) {
            return ServerKind.REMOTE;
        }
        if (Boolean.FALSE.equals(billed) && byAddress != ServerKind.LOCAL) {
            return ServerKind.LOCAL;
        }
        return byAddress;
    }

    static Map<Capability, String> defaultModels(ServerKind server) {
        return switch (server) {
            case OPENAI, REMOTE -> Map.of(Capability.PROMPT_GENERATION, "gpt-4o-mini",
                    Capability.IMAGE_UNDERSTANDING, "gpt-4o-mini", Capability.STORY_TO_SCENES, "gpt-4o-mini");
            case LOCAL -> Map.of(Capability.PROMPT_GENERATION, "llama3.2",
                    Capability.IMAGE_UNDERSTANDING, "llama3.2-vision", Capability.STORY_TO_SCENES, "llama3.2");
        };
    }

    static Governor.Settings limits(ServerKind server) {
        return switch (server) {
            case OPENAI -> new Governor.Settings(8, 8, 10);
            // A server of your own documents no rate limit (providers.md 8): only its 2 slots hold it back.
            case LOCAL -> Governor.Settings.uncapped(2, 2);
            case REMOTE -> new Governor.Settings(4, 4, 5);
        };
    }
}
