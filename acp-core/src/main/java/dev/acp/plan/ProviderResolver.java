package dev.acp.plan;

import dev.acp.catalog.ProviderCatalog;
import dev.acp.pipeline.Capability;
import dev.acp.pipeline.PipelineSpec;
import dev.acp.pipeline.Problem;
import dev.acp.pipeline.SourceLocation;
import dev.acp.pipeline.TaskStepSpec;
import dev.acp.provider.Provider;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The provider pass for a step's own provider: which one serves it and why ({@code --offline},
 * its {@code provider:}, its model's provider, the pipeline's default, the capability's
 * default), and whether that provider exists, can do the step and has its credentials.
 */
final class ProviderResolver {
    /**
     * The provider chosen for a step.
     *
     * @param providerId its id
     * @param reason why it was chosen, for the plan and messages
     * @param installed the provider itself, or null when this build does not have it
     */
    record Resolved(String providerId, String reason, @Nullable Provider installed) {}

    private final PipelineSpec spec;
    private final RunSettings settings;
    private final StepIndex steps;
    private final ProviderLookup lookup;
    private final Findings findings;

    ProviderResolver(PipelineSpec spec, RunSettings settings, StepIndex steps, ProviderLookup lookup,
            Findings findings) {
        this.spec = spec;
        this.settings = settings;
        this.steps = steps;
        this.lookup = lookup;
        this.findings = findings;
    }

    /** The step's provider, or null after reporting why it has none. */
    @Nullable Resolved resolve(TaskStepSpec t) {
        Capability cap = t.capability();
        String model = t.model();
        String id;
        String reason;
        SourceLocation at;
        var known = model == null ? Optional.<ProviderCatalog.ModelEntry>empty() : lookup.model(model);
        if (settings.offline()) {
            // The analysis steps are offline by nature; their engines live in acp-content.
            id = cap.isAnalysis() ? "content" : "local";
            reason = "--offline";
            at = t.locations().self();
        } else if (t.provider() != null) {
            id = t.provider();
            reason = "provider: " + id;
            at = t.locations().at("provider");
        } else if (known.isPresent()) {
            id = known.get().provider();
            reason = "model " + model;
            at = t.locations().at("config.model");
        } else if (spec.global().defaultProvider() != null) {
            id = spec.global().defaultProvider();
            reason = "global_config.default_provider";
            at = t.locations().self();
        } else {
            id = lookup.defaultProvider(cap);
            reason = "default for " + cap.wireName();
            at = t.locations().self();
            if (id == null) {
                findings.error(at, t.id(), "no provider is configured for " + cap.wireName(),
                        "set 'provider:' on the step");
                return null;
            }
        }
        if (model != null && !settings.offline()) {
            if (known.isPresent() && known.get().capability() != cap) {
                findings.error(t.locations().at("config.model"), t.id(), "model '" + model + "' is a "
                        + known.get().capability().wireName() + " model, but this is a " + cap.wireName() + " step",
                        "pick a " + cap.wireName() + " model (see 'acp info')");
                return null;
            }
        }
        ProviderLookup.Candidate c = lookup.candidate(id);
        if (c.retired() != null) {
            findings.error(at, t.id(), "provider '" + id + "' is retired: " + c.retired(), "choose another provider");
            return null;
        }
        if (model != null && !settings.offline()) {
            lookup.warnIfRetired(findings, t.locations().at("config.model"), t.id(), "", id, model);
        }
        if (!c.isKnown()) {
            findings.error(at, t.id(), "unknown provider '" + id + "'", lookup.suggest(id));
            return null;
        }
        if (steps.isDisabled(t.id())) {
            // Never runs: whether the provider can serve it does not matter now.
            return new Resolved(id, reason, c.isInstalled() ? lookup.installed(c) : null);
        }
        if (!c.capabilities().contains(cap)) {
            if (settings.offline()) {
                findings.error(at, t.id(), "there is no offline engine for " + cap.wireName()
                        + " in this version of ACP", "run without --offline, or disable this step with 'enabled: false'");
            } else {
                findings.error(at, t.id(), "provider '" + id + "' cannot do " + cap.wireName() + " (chosen by "
                        + reason + ")", "use a provider that can: " + String.join(", ", lookup.providersFor(cap)));
            }
            return null;
        }
        if (!c.isInstalled()) {
            String message = "provider '" + id + "' (chosen by " + reason + ") is not available in this build of ACP";
            String fix = "run with --offline to render local previews, or set 'provider: local'";
            if (settings.mode() == RunSettings.Mode.RUN) {
                findings.error(at, t.id(), message, fix);
                return null;
            }
            findings.warning(at, t.id(), message, fix);
            return new Resolved(id, reason, null);
        }
        if (settings.mode() == RunSettings.Mode.RUN) {
            var missing = lookup.missingCredentials(c);
            if (missing.isPresent()) {
                findings.add(Problem.credentials(at, t.id(), missing.get(), "set it (see 'acp doctor'), or run with"
                        + " --offline to render local previews"));
                return null;
            }
        }
        return new Resolved(id, reason, lookup.installed(c));
    }
}
