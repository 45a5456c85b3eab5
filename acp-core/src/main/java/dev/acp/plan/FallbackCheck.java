package dev.acp.plan;

import dev.acp.catalog.ProviderCatalog;
import dev.acp.pipeline.Capability;
import dev.acp.pipeline.FallbackSpec;
import dev.acp.pipeline.Problem;
import dev.acp.pipeline.SourceLocation;
import dev.acp.pipeline.TaskStepSpec;
import dev.acp.provider.Provider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The fallback pass: a step's {@code fallback:} alternatives checked as strictly as its own
 * provider (installed, able to do the capability, model known for it or passed through,
 * credentials, parameters it ignores), each problem located at the alternative. Offline, every
 * step is served by the local engines and the alternatives do not apply.
 */
final class FallbackCheck {
    private final RunSettings settings;
    private final ProviderLookup lookup;
    private final Findings findings;

    FallbackCheck(RunSettings settings, ProviderLookup lookup, Findings findings) {
        this.settings = settings;
        this.lookup = lookup;
        this.findings = findings;
    }

    /** The alternatives that can serve the step, in the order written. */
    List<PlannedTask.Fallback> check(TaskStepSpec t, ProviderResolver.Resolved primary, @Nullable Path output) {
        if (t.fallback().isEmpty() || settings.offline()) {
            return List.of();
        }
        List<PlannedTask.Fallback> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        seen.add(primary.providerId() + "/" + t.model());
        for (FallbackSpec f : t.fallback()) {
            PlannedTask.Fallback planned = alternative(t, f, seen, output);
            if (planned != null) {
                out.add(planned);
            }
        }
        return List.copyOf(out);
    }

    /** One alternative, or null when it cannot serve the step (after reporting why). */
    private PlannedTask.@Nullable Fallback alternative(TaskStepSpec t, FallbackSpec f, Set<String> seen,
            @Nullable Path output) {
        Capability cap = t.capability();
        String label = f.label();
        SourceLocation at = f.locations().at(f.provider() != null ? "provider" : "model");
        SourceLocation modelAt = f.locations().at("model");
        String model = f.model();
        var known = model == null ? Optional.<ProviderCatalog.ModelEntry>empty() : lookup.model(model);
        if (known.isPresent() && known.get().capability() != cap) {
            findings.error(modelAt, t.id(), label + ": model '" + model + "' is a "
                    + known.get().capability().wireName() + " model, but this is a " + cap.wireName() + " step",
                    "pick a " + cap.wireName() + " model (see 'acp models')");
            return null;
        }
        String id = f.provider() != null ? f.provider() : known.map(ProviderCatalog.ModelEntry::provider).orElse(null);
        if (id == null) {
            findings.error(modelAt, t.id(), label + ": model '" + model + "' is not in the model catalog, so its"
                    + " provider is unknown", "name the provider: '{ provider: ..., model: \"" + model + "\" }' (see"
                    + " 'acp models')");
            return null;
        }
        String reason = label + (f.provider() != null ? " (provider: " + id + ")" : " (model " + model + ")");
        ProviderLookup.Candidate c = lookup.candidate(id);
        if (c.retired() != null) {
            findings.error(at, t.id(), label + ": provider '" + id + "' is retired: " + c.retired(),
                    "choose another provider");
            return null;
        }
        if (model != null) {
            lookup.warnIfRetired(findings, modelAt, t.id(), label + ": ", id, model);
        }
        if (!c.isKnown()) {
            findings.error(at, t.id(), label + ": unknown provider '" + id + "'", lookup.suggest(id));
            return null;
        }
        if (!c.capabilities().contains(cap)) {
            findings.error(at, t.id(), label + ": provider '" + id + "' cannot do " + cap.wireName(),
                    "use a provider that can: " + String.join(", ", lookup.providersFor(cap)));
            return null;
        }
        if (!seen.add(id + "/" + model)) {
            findings.warning(f.locations().self(), t.id(), label + " repeats " + id
                    + (model == null ? "" : "/" + model) + ", which the step already tries",
                    "remove it; retry_count retries a provider");
            return null;
        }
        PlannedTask.Fallback planned = new PlannedTask.Fallback(f.index(), id, model, reason);
        if (!c.isInstalled()) {
            String message = label + ": provider '" + id + "' is not available in this build of ACP";
            if (settings.mode() == RunSettings.Mode.RUN) {
                findings.error(at, t.id(), message, "choose an installed provider, or remove this alternative");
                return null;
            }
            findings.warning(at, t.id(), message, "choose an installed provider, or remove this alternative");
            return planned;
        }
        if (settings.mode() == RunSettings.Mode.RUN) {
            var missing = lookup.missingCredentials(c);
            if (missing.isPresent()) {
                findings.add(Problem.credentials(at, t.id(), label + ": " + missing.get(), "set it (see 'acp"
                        + " doctor'), or remove this alternative"));
                return null;
            }
        }
        return checkParameters(t, f, lookup.installed(c), id, output) ? planned : null;
    }

    /** Warns of config keys the alternative ignores; false after an error in its parameters. */
    private boolean checkParameters(TaskStepSpec t, FallbackSpec f, Provider installed, String id,
            @Nullable Path output) {
        Capability cap = t.capability();
        String model = f.model();
        Map<String, Object> config = new LinkedHashMap<>(t.config());
        if (model == null) {
            config.remove("model");
        } else {
            config.put("model", model);
        }
        Set<String> read = installed.parameters(cap);
        for (String key : config.keySet()) {
            if (!read.isEmpty() && !read.contains(key) && !key.equals("model")) {
                findings.warning(t.locations().at("config." + key), t.id(), "provider '" + id + "' (" + f.label()
                        + ") ignores config." + key, "remove it, or choose an alternative that uses it");
            }
        }
        boolean valid = true;
        if (output != null) {
            for (Provider.Issue issue : installed.check(cap, model, config,
                    OutputFiles.extension(output.getFileName().toString()))) {
                SourceLocation where = issue.parameter() == null ? f.locations().self()
                        : issue.parameter().equals("model") ? f.locations().at("model")
                        : t.locations().at("config." + issue.parameter());
                findings.error(where, t.id(), f.label() + " (" + id + "): " + issue.message(), issue.fix());
                valid = false;
            }
        }
        return valid;
    }
}
