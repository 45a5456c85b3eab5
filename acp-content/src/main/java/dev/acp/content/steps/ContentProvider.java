package dev.acp.content.steps;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.pipeline.Capability;
import dev.acp.provider.CapabilitySchema;
import dev.acp.provider.Provider;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The {@code content} provider: analysis steps computed on this machine. It costs nothing, its
 * answers are measurements rather than previews, and the same input always gives the same answer.
 */
public final class ContentProvider implements Provider {
    public static final String ID = "content";
    public static final Set<Capability> CAPABILITIES = Set.of(Capability.ANALYZE_VIDEO, Capability.DETECT_FACES,
            Capability.EMBED_TEXT, Capability.SEARCH_SIMILAR, Capability.CLUSTER_CONTENT, Capability.SCORE_QUALITY);

    private final Map<Capability, ContentStep> steps = new EnumMap<>(Capability.class);

    public ContentProvider(ProviderContext context) {
        ContentEngines engines = new ContentEngines(context);
        for (ContentStep s : List.of(new ShotsStep(engines), new FacesStep(engines), new EmbedStep(engines),
                new SearchStep(engines), new ClusterStep(engines), new QualityStep(engines))) {
            steps.put(s.capability(), s);
        }
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public boolean costsMoney() {
        return false;
    }

    @Override
    public boolean deterministic(Capability capability, Map<String, Object> parameters) {
        return true;
    }

    @Override
    public Set<String> parameters(Capability capability) {
        return CapabilitySchema.of(capability).params().keySet();
    }

    @Override
    public List<Issue> check(Capability capability, @Nullable String model, Map<String, Object> parameters,
            String outputExtension) {
        ContentStep step = steps.get(capability);
        if (step == null) {
            return List.of(new Issue(null, "the content engines cannot do " + capability.wireName(),
                    "use a provider that can"));
        }
        StepParams p = StepParams.forCheck(parameters);
        step.read(p);
        if (!outputExtension.equals("json")) {
            p.problem(null, capability.wireName() + " answers JSON, not ." + outputExtension,
                    "name the output file with .json, or leave output_filename out");
        }
        return p.issues();
    }

    @Override
    public ProviderResult execute(ProviderRequest request) throws ProviderException, InterruptedException {
        ContentStep step = steps.get(request.capability());
        if (step == null) {
            throw new ProviderException(ErrorKind.VALIDATION, "the content engines cannot do "
                    + request.capability().wireName());
        }
        StepParams p = StepParams.forRun(request.parameters());
        step.read(p);
        p.throwIfInvalid();
        return step.run(request, p);
    }
}
