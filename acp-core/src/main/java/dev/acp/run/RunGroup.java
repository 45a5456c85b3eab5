package dev.acp.run;

import dev.acp.config.AcpConfig;
import dev.acp.cost.DailySpend;
import dev.acp.cost.PricingCatalog;
import dev.acp.cost.SpendLedger;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What runs started together share when each goes through its own {@link Runner} (a batch's rows,
 * one run per row): one run store and one artifact cache ({@link RunService}; identical steps of
 * runs in flight at once are made once), one pricing catalog, and one ledger that holds the
 * group's limit and the providers' daily limits for all of them. Each run's own ledger reserves
 * within it ({@link SpendLedger#SpendLedger(BigDecimal, Map, SpendLedger, String)}), so runs in
 * flight together can never overspend the group's limit between them. Thread-safe.
 */
public final class RunGroup {
    private final RunService service;
    private final PricingCatalog pricing;
    private final SpendLedger ledger;

    private RunGroup(RunService service, PricingCatalog pricing, SpendLedger ledger) {
        this.service = service;
        this.pricing = pricing;
        this.ledger = ledger;
    }

    /**
     * @param runsFolder where the group's runs are kept (their folders, journals and reports)
     * @param name what the group's limit is called in refusals ("batch")
     * @param limit the most the group's runs may spend together, or null for no such limit
     * @param spentBefore what each of the group's runs settled before (resumed groups), by run id
     * @param pricing the prices every run of the group is estimated and settled with
     */
    public static RunGroup create(RunHost acp, Path runsFolder, String name, @Nullable BigDecimal limit,
            Map<String, BigDecimal> spentBefore, PricingCatalog pricing) {
        Objects.requireNonNull(runsFolder, "runsFolder");
        Objects.requireNonNull(pricing, "pricing");
        AcpConfig config = acp.registry().context().config();
        DailySpend daily = Runner.dailySpend(acp, config);
        return new RunGroup(new RunService(acp, runsFolder), pricing,
                SpendLedger.group(name, limit, spentBefore, daily));
    }

    /** The run store (the group's folder) and the artifact cache the group's runs share. */
    public RunService service() {
        return service;
    }

    public PricingCatalog pricing() {
        return pricing;
    }

    /** The group's ledger: settled and reserved by all its runs, against the group's and the daily limits. */
    public SpendLedger ledger() {
        return ledger;
    }
}
