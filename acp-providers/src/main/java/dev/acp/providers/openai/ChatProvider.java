package dev.acp.providers.openai;

import dev.acp.catalog.ProviderCatalog;
import dev.acp.cost.PublishedPrices;
import dev.acp.cost.PublishesPrices;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.http.Governor;
import dev.acp.provider.AccessCheck;
import dev.acp.pipeline.Capability;
import dev.acp.provider.Provider;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import dev.acp.providers.openai.internal.ChatMessage;
import dev.acp.providers.openai.internal.ChatRequest;
import dev.acp.providers.support.RepairMemory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The chat provider behind {@code openrouter} and {@code openai}: reads a step's parameters with
 * its {@link ChatTask}, resolves the model, sends one completion through {@link ChatClient} and
 * returns the text. The engine writes the text to the step's {@code .txt} (or {@code .json})
 * file.
 */
final class ChatProvider implements Provider, PublishesPrices {
    static final Set<Capability> CAPABILITIES =
            Set.of(Capability.PROMPT_GENERATION, Capability.IMAGE_UNDERSTANDING, Capability.STORY_TO_SCENES);
    /**
     * Part of every cache key: bump it when the built-in prompts or the answer handling change,
     * since the same step would then give a different output.
     */
    static final String REVISION = "chat-2";

    private final ChatEndpoint endpoint;
    private final ProviderCatalog catalog;
    private final ChatClient client;
    private final RepairMemory repairs = new RepairMemory();
    /** OpenRouter's price list; other servers publish none. */
    private final @Nullable PublishedPrices prices;
    /** {@code ACP_<ID>_MODEL}: the model of every step that names none, instead of the catalog's default. */
    private final @Nullable String modelOverride;

    ChatProvider(ChatEndpoint endpoint, ProviderContext context, ProviderCatalog catalog) {
        this.endpoint = endpoint;
        this.catalog = catalog;
        Governor governor = context.governors().of(endpoint.provider(), endpoint.limits())
                .withBaseUrls(endpoint.baseUri().toString());
        this.client = new ChatClient(endpoint, context.transport(), governor);
        this.prices = endpoint.provider().equals(OpenRouterProviderFactory.ID)
                ? new OpenRouterPrices(endpoint, context.transport(), governor) : null;
        this.modelOverride = context.environment().get(ProviderContext.envName(endpoint.provider(), "MODEL"))
                .map(String::strip).filter(m -> !m.isEmpty()).orElse(null);
    }

    /**
     * The model of {@code ACP_<ID>_MODEL} when set, so that estimates price the model really
     * called; otherwise the pricing catalog's default names the same model as this provider's.
     */
    @Override
    public Optional<String> configuredDefaultModel(Capability capability) {
        return CAPABILITIES.contains(capability) ? Optional.ofNullable(modelOverride) : Optional.empty();
    }

    @Override
    public Optional<PublishedPrices> publishedPrices() {
        return Optional.ofNullable(prices);
    }

    @Override
    public String id() {
        return endpoint.provider();
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public AccessCheck checkAccess() throws InterruptedException {
        return client.checkAccess();
    }

    /** OpenRouter and remote servers bill per call; a server on this machine or network does not. */
    @Override
    public boolean costsMoney() {
        return !endpoint.free();
    }

    @Override
    public String revision() {
        return REVISION;
    }

    @Override
    public Set<String> parameters(Capability capability) {
        return CAPABILITIES.contains(capability) ? ChatTask.of(capability).parameters() : Set.of();
    }

    @Override
    public List<Issue> check(Capability capability, @Nullable String model, Map<String, Object> parameters,
            String outputExtension) {
        if (!CAPABILITIES.contains(capability)) {
            return List.of(new Issue(null, "provider '" + id() + "' cannot do " + capability.wireName(),
                    "use a provider that can"));
        }
        StepParams params = StepParams.forCheck(parameters);
        try {
            ChatTask.of(capability).exchange(params, id());
        } catch (ProviderException e) {
            // Nothing is read while checking; a failure here is a defect, reported rather than hidden.
            params.issue(null, e.getMessage(), "report this as a bug");
        }
        options(params);
        return params.issues();
    }

    @Override
    public ProviderResult execute(ProviderRequest request) throws ProviderException, InterruptedException {
        ChatTask task = ChatTask.of(request.capability());
        StepParams params = StepParams.forExecute(request.parameters());
        ChatTask.Exchange exchange = task.exchange(params, id());
        Options options = options(params);
        params.throwIfInvalid(id());
        List<ChatMessage> messages = new ArrayList<>(exchange.messages());
        repairs.previous(RepairMemory.key(request)).ifPresent(previous -> messages.addAll(StoryToScenes.repairTurn(previous)));
        ChatRequest body = ChatRequest.of(model(request.capability(), request.model()), messages)
                .withTemperature(options.temperature())
                .withTokenLimit(options.maxTokens(), endpoint.maxCompletionTokens())
                .withSeed(options.seed())
                .withResponseFormat(exchange.format());
        request.context().checkCancelled();
        Completion completion = client.complete(body);
        ChatTask.Answer answer;
        try {
            answer = task.answer(completion, params, id());
        } catch (ProviderException e) {
            String reason = e.kind() == ErrorKind.TRANSIENT ? task.repairReason(completion) : null;
            if (reason != null) {
                repairs.remember(RepairMemory.key(request), completion.text(), reason);
            } else {
                repairs.forget(RepairMemory.key(request));
            }
            throw e;
        }
        repairs.forget(RepairMemory.key(request));
        Map<String, Object> metadata = new LinkedHashMap<>(completion.metadata());
        metadata.putAll(answer.metadata());
        if (completion.truncated()) {
            metadata.put("truncated", true);
        }
        ProviderResult result = ProviderResult.text(answer.text(), metadata).withRequestIds(completion.requestIds());
        if (completion.usage() != null) {
            result = result.withUsage(completion.usage());
        }
        return completion.cost() == null ? result : result.withActualCost(completion.cost());
    }

    /**
     * The model id to send: the step's {@code model} (a catalog name of this provider is replaced
     * by its id, anything else is sent as written), else the capability's default.
     */
    String model(Capability capability, @Nullable String requested) {
        if (requested == null || requested.isBlank()) {
            return endpoint.defaultModels().get(capability);
        }
        return ChatEndpoint.resolve(catalog, id(), requested.strip());
    }

    /** Sampling options every task shares. */
    private record Options(@Nullable Double temperature, @Nullable Integer maxTokens, @Nullable Long seed) {}

    private static Options options(StepParams params) {
        Double temperature = params.number("temperature", 0, 2).orElse(null);
        int max = params.integer("max_tokens", 1, 1_000_000).orElse(0);
        Long seed = params.seed().orElse(null);
        return new Options(temperature, max == 0 ? null : max, seed);
    }
}
