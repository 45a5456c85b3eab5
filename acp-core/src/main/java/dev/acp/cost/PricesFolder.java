package dev.acp.cost;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.acp.util.AtomicFiles;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * {@code ACP_HOME/prices/}: the price lists providers publish, one file per provider
 * ({@code openrouter.yaml}), in the format of {@code pricing.yaml}. Written only by
 * {@code acp models --refresh-prices}; read by {@link PricingCatalog#load}, over the built-in
 * prices and under the user's own {@code pricing.yaml} and {@code --pricing FILE}.
 */
public final class PricesFolder {
    public static final String DIR = "prices";
    /** The command that writes these files, named in every message about them. */
    public static final String REFRESH_COMMAND = "acp models --refresh-prices";

    private final Path dir;

    public PricesFolder(Path acpHome) {
        this.dir = acpHome.resolve(DIR);
    }

    public Path directory() {
        return dir;
    }

    /** The file of one provider's prices. */
    public Path file(String provider) {
        if (!provider.matches("[a-z0-9][a-z0-9_-]*")) {
            // Provider ids are plain words; anything else must not become a path.
            throw new IllegalArgumentException("not a provider id: '" + provider + "'");
        }
        return dir.resolve(provider + ".yaml");
    }

    /**
     * The stored price files in name order, so that the merge is the same on every machine.
     * Temporary files of an interrupted write start with a dot and are left out.
     */
    public List<Path> files() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> {
                String name = p.getFileName().toString();
                return name.endsWith(".yaml") && !name.startsWith(".") && Files.isRegularFile(p);
            }).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot list " + dir, e);
        }
    }

    /**
     * Replaces the provider's file with {@code prices}: written to a temporary file beside it and
     * renamed, so a failed or interrupted write leaves the previous file as it was.
     *
     * @return the file written
     */
    public Path write(PublishedPrices.PriceList prices) throws IOException {
        Path target = file(prices.provider());
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "." + prices.provider() + ".", ".tmp");
        try {
            Files.writeString(temp, yaml(prices), StandardCharsets.UTF_8);
            AtomicFiles.sync(temp);
            AtomicFiles.replace(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
        return target;
    }

    /** The price list as a pricing file ({@code version: 1}, one flow map per model). */
    static String yaml(PublishedPrices.PriceList prices) {
        StringBuilder b = new StringBuilder();
        b.append("# Prices published by ").append(prices.provider()).append(", written by '").append(REFRESH_COMMAND)
                .append("' on ").append(prices.asOf()).append(".\n");
        b.append("# Re-run that command to update them, or delete this file to go back to the built-in prices.\n");
        b.append("# Your own prices belong in ACP_HOME/pricing.yaml or --pricing FILE: they win over this file.\n");
        b.append("version: 1\n");
        b.append("providers:\n");
        b.append("  ").append(prices.provider()).append(":\n");
        b.append("    models:\n");
        for (PriceEntry e : prices.entries()) {
            b.append("      ").append(PriceEntryYaml.quote(e.model())).append(": ").append(PriceEntryYaml.of(e)).append('\n');
        }
        return b.toString();
    }

}
