package dev.acp.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.acp.catalog.ProviderCatalog;
import dev.acp.cost.PriceEntry;
import dev.acp.cost.PricingCatalog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code acp models}: the models ACP knows by name, with capability, unit price and the price's source. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "List the models ACP knows by name: provider, capability, unit price and where the price"
                + " comes from. Prices nobody documented show as unknown.")
final class ModelsCommand implements Callable<Integer> {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    RunCommand.Format format;

    @Mixin
    CostOptions cost = new CostOptions();

    private final CliContext context;

    ModelsCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException {
        ProviderCatalog catalog = context.acp().catalog();
        PricingCatalog pricing = cost.catalog(context);
        List<Map<String, Object>> rows = new ArrayList<>();
        catalog.models().values().stream()
                .sorted(Comparator.comparing(ProviderCatalog.ModelEntry::provider)
                        .thenComparing(m -> m.capability().wireName()).thenComparing(ProviderCatalog.ModelEntry::name))
                .forEach(m -> {
                    PriceEntry e = pricing.lookup(m.provider(), m.name(), m.capability()).orElse(null);
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("model", m.name());
                    r.put("provider", m.provider());
                    r.put("capability", m.capability().wireName());
                    r.put("provider_model_id", m.providerModelId());
                    r.put("unit", e == null ? null : e.unit().wireName());
                    r.put("price", e == null ? "unknown" : e.describePrice());
                    r.put("price_known", e != null && e.known());
                    r.put("source", e == null ? null : e.source());
                    r.put("as_of", e == null ? null : e.asOf());
                    rows.add(r);
                });
        if (format == RunCommand.Format.json) {
            context.out().println(JSON.writeValueAsString(rows));
            return ExitCode.OK.code();
        }
        List<String[]> table = new ArrayList<>();
        table.add(new String[] {"MODEL", "PROVIDER", "CAPABILITY", "PRICE", "SOURCE"});
        for (Map<String, Object> r : rows) {
            table.add(new String[] {String.valueOf(r.get("model")), String.valueOf(r.get("provider")),
                String.valueOf(r.get("capability")), String.valueOf(r.get("price")),
                r.get("source") == null ? "-" : r.get("source") + " (" + r.get("as_of") + ")"});
        }
        Table.print(context.out(), context.terminal(), table);
        context.out().println();
        context.out().println("Any other model of a provider can be used with provider: <id>; set prices in"
                + " ACP_HOME/pricing.yaml or --pricing FILE.");
        return ExitCode.OK.code();
    }
}
