package dev.acp.providers.openai;

import dev.acp.catalog.ProviderCatalog;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.http.Governor;
import dev.acp.provider.AccessCheck;
import dev.acp.pipeline.Capability;
import dev.acp.provider.Provider;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@code openai}: the chat tasks of {@link ChatProvider} plus speech ({@link OpenAiSpeech}) and
 * images ({@link OpenAiImages}) on the same OpenAI-compatible server, key and governor.
 */
final class OpenAiProvider implements Provider {
    static final Set<Capability> CAPABILITIES;

    static {
        Set<Capability> all = EnumSet.copyOf(ChatProvider.CAPABILITIES);
        all.add(Capability.TEXT_TO_SPEECH);
        all.add(Capability.TEXT_TO_IMAGE);
        CAPABILITIES = Set.copyOf(all);
    }

    private final ChatEndpoint endpoint;
    private final ChatProvider chat;
    private final OpenAiSpeech speech;
    private final OpenAiImages images;
    private final String speechModel;
    private final String imageModel;

    /**
     * @param speechModel the speech model of steps that name none
     * @param voice the voice of steps that name none
     * @param imageModel the image model of steps that name none
     */
    OpenAiProvider(ChatEndpoint endpoint, ProviderContext context, ProviderCatalog catalog, String speechModel,
            String voice, String imageModel) {
        this.endpoint = endpoint;
        this.speechModel = speechModel;
        this.imageModel = imageModel;
        this.chat = new ChatProvider(endpoint, context, catalog);
        Governor governor = context.governors().of(endpoint.provider(), endpoint.limits())
                .withBaseUrls(endpoint.baseUri().toString());
        this.speech = new OpenAiSpeech(endpoint, context.transport(), governor, catalog, speechModel, voice);
        this.images = new OpenAiImages(endpoint, context.transport(), governor, catalog, imageModel);
    }

    @Override
    public String id() {
        return endpoint.provider();
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    /** The speech and image models this provider was set up with; the chat models as {@link ChatProvider} says. */
    @Override
    public java.util.Optional<String> configuredDefaultModel(Capability capability) {
        return switch (capability) {
            case TEXT_TO_SPEECH -> java.util.Optional.of(speechModel);
            case TEXT_TO_IMAGE -> java.util.Optional.of(imageModel);
            default -> chat.configuredDefaultModel(capability);
        };
    }

    @Override
    public AccessCheck checkAccess() throws InterruptedException {
        return chat.checkAccess();
    }

    @Override
    public boolean costsMoney() {
        return chat.costsMoney();
    }

    @Override
    public String revision() {
        return chat.revision();
    }

    /** Speech and images are sampled anew on every call: no seed reaches these endpoints. */
    @Override
    public boolean deterministic(Capability capability, Map<String, Object> parameters) {
        return ChatProvider.CAPABILITIES.contains(capability) && chat.deterministic(capability, parameters);
    }

    @Override
    public Set<String> parameters(Capability capability) {
        return switch (capability) {
            case TEXT_TO_SPEECH -> OpenAiSpeech.PARAMETERS;
            case TEXT_TO_IMAGE -> OpenAiImages.PARAMETERS;
            default -> chat.parameters(capability);
        };
    }

    @Override
    public List<Issue> check(Capability capability, @Nullable String model, Map<String, Object> parameters,
            String outputExtension) {
        return switch (capability) {
            case TEXT_TO_SPEECH -> speech.check(model, parameters, outputExtension);
            case TEXT_TO_IMAGE -> images.check(model, parameters, outputExtension);
            default -> chat.check(capability, model, parameters, outputExtension);
        };
    }

    @Override
    public ProviderResult execute(ProviderRequest request) throws ProviderException, InterruptedException {
        return switch (request.capability()) {
            case TEXT_TO_SPEECH -> speech.execute(request);
            case TEXT_TO_IMAGE -> images.execute(request);
            default -> {
                if (!ChatProvider.CAPABILITIES.contains(request.capability())) {
                    throw new ProviderException(ErrorKind.VALIDATION, id() + " cannot do "
                            + request.capability().wireName());
                }
                yield chat.execute(request);
            }
        };
    }
}
