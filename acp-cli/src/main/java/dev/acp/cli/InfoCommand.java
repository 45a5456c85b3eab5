package dev.acp.cli;

import dev.acp.Acp;
import dev.acp.util.Version;
import dev.acp.catalog.ProviderCatalog;
import dev.acp.pipeline.Capability;
import dev.acp.provider.Emotion;
import dev.acp.provider.ProviderFactory;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;

/** {@code acp info}: version, step types, providers, credentials (set or not, never values), models. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show the version, step types, providers with their capabilities, which credentials are set"
                + " (never their values) and the known models.")
final class InfoCommand implements Callable<Integer> {
    @picocli.CommandLine.Option(names = "--format", defaultValue = "table",
            description = "table or json (default: ${DEFAULT-VALUE}).")
    RunsCommand.Format format;

    private final CliContext context;

    InfoCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Acp acp = context.acp();
        PrintWriter out = context.out();
        if (format == RunsCommand.Format.json) {
            out.println(json(acp));
            return ExitCode.OK.code();
        }
        Terminal t = context.terminal();
        out.println(t.bold("ACP " + Version.current()) + " - AI Content Platform");
        out.println("Java " + Runtime.version() + ", " + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        out.println("State directory: " + Acp.acpHome(context.environment())
                + (context.environment().get("ACP_HOME").isPresent() ? " (ACP_HOME)" : " (default; set ACP_HOME to move it)"));
        out.println();

        out.println(t.bold("Step types"));
        for (Capability c : Capability.values()) {
            out.println("  " + pad(c.wireName(), 20) + "produces " + c.outputKind().name().toLowerCase(java.util.Locale.ROOT)
                    + " (." + c.defaultExtension() + ")");
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

        out.println(t.bold("Models") + t.dim(" (the catalog's names; any other id works with 'provider:'."
                + " Parameters: the config keys the provider reads for that step type)"));
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"MODEL", "PROVIDER", "STEP TYPE", "PROVIDER'S ID", ""});
        for (ModelRow m : models(acp)) {
            rows.add(new String[] {m.name(), m.provider(), m.capability().wireName(), m.providerModelId(),
                m.parameters() == null ? "(provider not in this build)" : String.join(", ", m.parameters())});
        }
        printWrapped(out, t, rows);
        return ExitCode.OK.code();
    }

    /**
     * A row of the models table: a catalog model, or for the local provider (which has no model
     * names) one row per step type. {@code parameters} is null when the provider is not installed;
     * empty means the provider passes any parameter through.
     */
    record ModelRow(String name, String provider, Capability capability, String providerModelId,
            @org.jspecify.annotations.Nullable List<String> parameters) {}

    static List<ModelRow> models(Acp acp) {
        List<ModelRow> rows = new ArrayList<>();
        for (ProviderCatalog.ModelEntry m : acp.catalog().models().values()) {
            rows.add(new ModelRow(m.name(), m.provider(), m.capability(), m.providerModelId(),
                    parameters(acp, m.provider(), m.capability())));
        }
        if (acp.registry().has("local")) {
            for (Capability c : EnumSet.copyOf(acp.registry().factory("local").orElseThrow().capabilities())) {
                rows.add(new ModelRow("-", "local", c, "offline engine", parameters(acp, "local", c)));
            }
        }
        return rows;
    }

    private static @org.jspecify.annotations.Nullable List<String> parameters(Acp acp, String provider,
            Capability capability) {
        if (!acp.registry().has(provider)) {
            return null;
        }
        Set<String> names;
        try {
            names = acp.registry().provider(provider).parameters(capability);
        } catch (RuntimeException e) {
            // A provider that cannot be created here (a bad base URL) still lists its models.
            return List.of("(unknown: the provider could not be set up here)");
        }
        return names.isEmpty() ? List.of("(any: passed through)") : names.stream().sorted().toList();
    }

    private String json(Acp acp) {
        ProviderCatalog catalog = acp.catalog();
        java.util.Map<String, Object> root = new java.util.LinkedHashMap<>();
        root.put("version", Version.current());
        List<Object> providers = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        acp.registry().factories().forEach(f -> ids.add(f.id()));
        ids.addAll(catalog.providers().keySet());
        for (String id : ids) {
            var factory = acp.registry().factory(id);
            var entry = catalog.provider(id);
            java.util.Map<String, Object> p = new java.util.LinkedHashMap<>();
            p.put("id", id);
            p.put("installed", factory.isPresent());
            Set<Capability> caps = factory.map(ProviderFactory::capabilities)
                    .orElseGet(() -> entry.map(ProviderCatalog.ProviderEntry::capabilities).orElse(Set.of()));
            p.put("capabilities", caps.isEmpty() ? List.of()
                    : EnumSet.copyOf(caps).stream().map(Capability::wireName).toList());
            List<String> credentials = factory.map(ProviderFactory::credentialVariables).filter(l -> !l.isEmpty())
                    .orElseGet(() -> entry.map(ProviderCatalog.ProviderEntry::credentials).orElse(List.of()));
            java.util.Map<String, Boolean> set = new java.util.LinkedHashMap<>();
            credentials.forEach(v -> set.put(v, context.environment().get(v).isPresent()));
            p.put("credentials_set", set);
            providers.add(p);
        }
        root.put("providers", providers);
        root.put("retired", catalog.retired());
        List<Object> models = new ArrayList<>();
        for (ModelRow m : models(acp)) {
            java.util.Map<String, Object> row = new java.util.LinkedHashMap<>();
            row.put("name", m.name());
            row.put("provider", m.provider());
            row.put("step_type", m.capability().wireName());
            row.put("provider_model_id", m.providerModelId());
            row.put("parameters", m.parameters());
            models.add(row);
        }
        root.put("models", models);
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper()
                    .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The models table: one aligned row per model, its parameter list below it, indented and
     * wrapped at the terminal's width (the lists are long; as a last column they would run far
     * past the screen).
     */
    private static void printWrapped(PrintWriter out, Terminal t, List<String[]> rows) {
        int columns = rows.getFirst().length - 1;
        int[] widths = new int[columns];
        for (String[] r : rows) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], r[i].length());
            }
        }
        for (int row = 0; row < rows.size(); row++) {
            String[] r = rows.get(row);
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                line.append("  ").append(r[i]).append(" ".repeat(widths[i] - r[i].length()));
            }
            if (row == 0) {
                out.println(t.bold(line.toString().stripTrailing()));
                continue;
            }
            out.println(line.toString().stripTrailing());
            String label = "      parameters: ";
            List<String> lines = wrap(r[columns], Math.max(30, t.width() - label.length()));
            out.println(label + t.dim(lines.getFirst()));
            lines.subList(1, lines.size()).forEach(l -> out.println(" ".repeat(label.length()) + t.dim(l)));
        }
    }

    /** Splits a comma-separated list into lines of at most {@code width} characters, breaking after commas. */
    static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String part : text.split("(?<=, )")) {
            if (!line.isEmpty() && line.length() + part.stripTrailing().length() > width) {
                lines.add(line.toString().stripTrailing());
                line.setLength(0);
            }
            line.append(part);
        }
        lines.add(line.toString().stripTrailing());
        return lines;
    }

    private static String sorted(Set<Capability> caps) {
        Set<Capability> ordered = caps.isEmpty() ? Set.of() : EnumSet.copyOf(caps);
        return ordered.stream().map(Capability::wireName).collect(Collectors.joining(", "));
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s + " " : s + " ".repeat(width - s.length());
    }

}
