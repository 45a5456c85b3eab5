package dev.acp.cli;

import dev.acp.Acp;
import dev.acp.Version;
import dev.acp.catalog.ProviderCatalog;
import dev.acp.provider.Capability;
import dev.acp.provider.Emotion;
import dev.acp.provider.ProviderFactory;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;

/** {@code acp info}: version, step types, providers, credentials (set or not, never values), models. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show the version, step types, providers with their capabilities, which credentials are set"
                + " (never their values) and the known models.")
final class InfoCommand implements Callable<Integer> {
    private final CliContext context;

    InfoCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Acp acp = context.acp();
        PrintWriter out = context.out();
        Terminal t = context.terminal();
        out.println(t.bold("ACP " + Version.current()) + " - AI Content Platform");
        out.println("Java " + Runtime.version() + ", " + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        out.println("State directory: " + Acp.acpHome(context.environment())
                + (context.environment().get("ACP_HOME").isPresent() ? " (ACP_HOME)" : " (default; set ACP_HOME to move it)"));
        out.println();

        out.println(t.bold("Step types"));
        for (Capability c : Capability.values()) {
            out.println("  " + pad(c.wireName(), 20) + "produces " + c.outputKind().name().toLowerCase(java.util.Locale.ROOT)
                    + " (." + c.outputKind().defaultExtension() + ")");
        }
        out.println("  " + pad("parallel_group", 20) + "runs member steps side by side (collect_all, first_success,"
                + " best_quality)");
        out.println("  text_to_speech emotion: " + Emotion.names() + t.dim(" (with intensity 0..1 and a free-text"
                + " description; each provider reports what it applied)"));
        out.println();

        ProviderCatalog catalog = acp.catalog();
        out.println(t.bold("Providers"));
        Set<String> ids = new LinkedHashSet<>();
        acp.registry().factories().forEach(f -> ids.add(f.id()));
        ids.addAll(catalog.providers().keySet());
        for (String id : ids) {
            var factory = acp.registry().factory(id);
            var entry = catalog.provider(id);
            Set<Capability> caps = factory.map(ProviderFactory::capabilities)
                    .orElseGet(() -> entry.map(ProviderCatalog.ProviderEntry::capabilities).orElse(Set.of()));
            List<String> credentials = factory.map(ProviderFactory::credentialVariables)
                    .filter(l -> !l.isEmpty())
                    .orElseGet(() -> entry.map(ProviderCatalog.ProviderEntry::credentials).orElse(List.of()));
            String state = factory.isPresent() ? t.green("installed") : t.dim("not in this build yet");
            out.println("  " + pad(id, 12) + state);
            out.println("      capabilities: " + sorted(caps));
            if (credentials.isEmpty()) {
                out.println("      credentials:  none needed");
            } else {
                List<String> parts = new ArrayList<>();
                for (String var : credentials) {
                    parts.add(var + " " + (context.environment().get(var).isPresent() ? t.green("set") : "not set"));
                }
                out.println("      credentials:  " + String.join(", ", parts));
            }
        }
        catalog.retired().forEach((id, why) -> out.println("  " + pad(id, 12) + t.yellow("retired") + ": " + why));
        out.println();

        out.println(t.bold("Models") + t.dim(" (name -> provider, capability; other ids work with 'provider:')"));
        Map<String, String> parameters = new HashMap<>();
        for (ProviderCatalog.ModelEntry m : catalog.models().values()) {
            out.println("  " + pad(m.name(), 24) + m.provider() + ", " + m.capability().wireName()
                    + t.dim("  (" + m.providerModelId() + ")"));
            String params = parameters.computeIfAbsent(m.provider() + "/" + m.capability().wireName(),
                    k -> parameters(acp, m.provider(), m.capability()));
            if (!params.isEmpty()) {
                out.println("  " + pad("", 24) + t.dim("parameters: " + params));
            }
        }
        return ExitCode.OK.code();
    }

    /** The config keys an installed provider reads for a capability, sorted; empty when unknown. */
    private static String parameters(Acp acp, String provider, Capability capability) {
        if (acp.registry().factory(provider).isEmpty()) {
            return "";
        }
        try {
            return String.join(", ", new TreeSet<>(acp.registry().provider(provider).parameters(capability)));
        } catch (RuntimeException e) {
            // A provider that cannot be created here (a bad base URL) still lists its models.
            return "";
        }
    }

    private static String sorted(Set<Capability> caps) {
        Set<Capability> ordered = caps.isEmpty() ? Set.of() : EnumSet.copyOf(caps);
        return ordered.stream().map(Capability::wireName).collect(Collectors.joining(", "));
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s + " " : s + " ".repeat(width - s.length());
    }

}
