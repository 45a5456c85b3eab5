package dev.acp.cli;

import dev.acp.Acp;
import dev.acp.catalog.ProviderCatalog;
import dev.acp.cost.ModelPrices;
import dev.acp.cost.PricesFolder;
import dev.acp.cost.PricingCatalog;
import dev.acp.cost.PublishedPrices;
import dev.acp.error.ProviderException;
import dev.acp.error.UsageException;
import dev.acp.provider.ProviderFactory;
import dev.acp.provider.ProviderRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code acp models}: the models ACP knows by name, with capability, unit price and the price's
 * source; with {@code --refresh-prices}, fetches the prices providers publish instead.
 */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "List the models ACP knows by name: provider, capability, unit price and where the price"
                + " comes from. Prices nobody documented show as unknown.")
final class ModelsCommand implements Callable<Integer> {

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    RunCommand.Format format;

    @Option(names = "--refresh-prices", description = "Fetch the prices providers publish and store them in"
            + " ACP_HOME/prices/<provider>.yaml, where estimates and cost limits read them: over the built-in prices,"
            + " under ACP_HOME/pricing.yaml and --pricing. OpenRouter's model list needs no key; fal's price list"
            + " needs FAL_KEY and prices the fal models of the catalog and of the pipelines named with --config."
            + " Both calls are free; nothing else fetches prices.")
    boolean refreshPrices;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "With --refresh-prices: a pipeline whose"
            + " fal models are priced too, besides the catalog's (repeatable; it must be valid).")
    List<Path> configs = new ArrayList<>();

    @Mixin
    CostOptions cost = new CostOptions();

    private final CliContext context;

    ModelsCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (refreshPrices) {
            return refreshPrices();
        }
        if (!configs.isEmpty()) {
            throw new UsageException("--config names the pipelines whose models to price with --refresh-prices;"
                    + " add --refresh-prices, or use 'acp pipeline estimate --config FILE' for a pipeline's cost");
        }
        ProviderCatalog catalog = context.acp().catalog();
        PricingCatalog pricing = cost.catalog(context);
        List<Map<String, Object>> rows = ModelPrices.rows(catalog, pricing);
        if (format == RunCommand.Format.json) {
            context.out().println(CliJson.pretty().writeValueAsString(rows));
            return ExitCode.OK.code();
        }
        List<String[]> table = new ArrayList<>();
        table.add(new String[] {"MODEL", "PROVIDER", "CAPABILITY", "PRICE", "SOURCE"});
        for (Map<String, Object> r : rows) {
            table.add(new String[] {r.get("model") + (r.get("retired") != null ? " (retired " + r.get("retired") + ")"
                    : ""), String.valueOf(r.get("provider")),
                String.valueOf(r.get("capability")), String.valueOf(r.get("price")),
                r.get("source") == null ? "-" : r.get("source") + " (" + r.get("as_of") + ")"});
        }
        Table.print(context.out(), context.terminal(), table);
        context.out().println();
        context.out().println("Any other model of a provider can be used with provider: <id>; set prices in"
                + " ACP_HOME/pricing.yaml or --pricing FILE, or fetch the ones providers publish with"
                + " 'acp models --refresh-prices'.");
        return ExitCode.OK.code();
    }

    /**
     * Fetches every published price list and stores each in its own file, one line per provider.
     * A failed fetch writes nothing, so the previous file (and its prices) stays as it was.
     */
    private int refreshPrices() throws IOException, InterruptedException {
        Acp acp = context.acp();
        ProviderRegistry registry = acp.registry();
        List<PublishedPrices> sources = new ArrayList<>();
        for (ProviderFactory f : registry.factories()) {
            dev.acp.cost.PublishesPrices.of(registry.provider(f.id())).ifPresent(sources::add);
        }
        if (sources.isEmpty()) {
            throw new UsageException("no installed provider publishes its prices; set prices in ACP_HOME/pricing.yaml"
                    + " or --pricing FILE");
        }
        // Every pipeline is checked before anything is fetched: a wrong file is a usage error, not half a refresh.
        RefreshedModels models = new RefreshedModels(acp, this::defaultModels);
        List<Path> pipelines = configs.stream().map(c -> context.workingDirectory().resolve(c)).toList();
        Map<String, Set<String>> pipelineIds = models.pipelineIds(pipelines, context.workingDirectory());
        Map<String, Set<String>> modelIds = models.ids(pipelines, context.workingDirectory());
        PricesFolder folder = new PricesFolder(Acp.acpHome(context.environment()));
        LocalDate asOf = LocalDate.now(registry.context().clock());
        ExitCode result = ExitCode.OK;
        // With --format json: one object per provider refreshed, for scripts that refresh on a schedule.
        List<Map<String, Object>> written = new ArrayList<>();
        for (PublishedPrices source : sources) {
            String name = acp.catalog().provider(source.provider()).map(ProviderCatalog.ProviderEntry::name)
                    .orElse(source.provider());
            Path file = folder.file(source.provider());
            java.util.Optional<String> unavailable = source.unavailable();
            if (unavailable.isPresent()) {
                // Not an error unless the user asked for this provider's models by naming a pipeline.
                boolean asked = !configs.isEmpty() && !pipelineIds.getOrDefault(source.provider(), Set.of()).isEmpty();
                context.err().println("acp: " + (asked ? "error: " : "") + name + "'s prices were not refreshed: "
                        + unavailable.get() + (Files.exists(file) ? " (kept " + file + ")" : ""));
                if (asked && result == ExitCode.OK) {
                    result = ExitCode.CREDENTIALS;
                }
                continue;
            }
            PublishedPrices.PriceList prices;
            try {
                prices = source.fetch(asOf, modelIds.getOrDefault(source.provider(), Set.of()));
            } catch (ProviderException e) {
                context.err().println("acp: error: " + name + "'s prices were not refreshed: " + oneLine(e.getMessage())
                        + (Files.exists(file) ? " (kept " + file + ")" : ""));
                result = result == ExitCode.OK ? ExitCode.of(e) : result;
                continue;
            }
            try {
                folder.write(prices);
            } catch (IOException e) {
                throw new UsageException("cannot write " + file + ": " + e.getMessage() + " (check that ACP_HOME is"
                        + " writable)", e);
            }
            if (format == RunCommand.Format.json) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("provider", source.provider());
                row.put("models", prices.entries().size());
                row.put("file", file.toString());
                row.put("as_of", asOf.toString());
                row.put("skipped", prices.skipped().stream()
                        .map(s -> Map.of("model", s.model(), "reason", s.reason())).toList());
                written.add(row);
            } else {
                context.out().println(name + ": " + prices.entries().size() + " model prices written to " + file
                        + " (as_of " + asOf + ")" + skipped(prices.skipped()));
            }
        }
        if (format == RunCommand.Format.json) {
            context.out().println(CliJson.pretty().writeValueAsString(written));
        }
        return result.code();
    }

    /**
     * The pricing catalog's default models, for steps that name none: the built-in ones, under
     * ACP_HOME/pricing.yaml and --pricing. ACP_HOME/prices/ is left out: a refresh writes no
     * default models there, and a broken file in it is what a refresh repairs.
     */
    private PricingCatalog defaultModels() {
        PricingCatalog c = PricingCatalog.builtIn();
        Path home = Acp.acpHome(context.environment()).resolve(PricingCatalog.FILE_NAME);
        if (Files.isRegularFile(home)) {
            c = c.merge(PricingCatalog.read(home));
        }
        if (cost.pricing != null) {
            c = c.merge(PricingCatalog.read(context.workingDirectory().resolve(cost.pricing)));
        }
        return c;
    }

    /** The count of models left out, naming a few: routers and models without a price are expected. */
    private static String skipped(List<PublishedPrices.Skipped> skipped) {
        if (skipped.isEmpty()) {
            return "";
        }
        List<String> some = skipped.stream().limit(3).map(PublishedPrices.Skipped::model).toList();
        return "; " + skipped.size() + " skipped without a usable price (" + String.join(", ", some)
                + (skipped.size() > some.size() ? ", ..." : "") + ")";
    }

    private static String oneLine(String s) {
        return s == null ? "no details" : s.replaceAll("\\s*\\R\\s*", " ").strip();
    }
}
