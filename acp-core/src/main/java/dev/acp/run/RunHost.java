package dev.acp.run;

import dev.acp.catalog.ProviderCatalog;
import dev.acp.engine.LocalEngine;
import dev.acp.env.Environment;
import dev.acp.env.Secrets;
import dev.acp.pipeline.load.NodeReader;
import dev.acp.plan.PlanResult;
import dev.acp.plan.RunSettings;
import dev.acp.provider.ProviderRegistry;
import java.nio.file.Path;

/**
 * What a run needs from the ACP it belongs to: the environment and state folder, the providers
 * and the model catalog, validation, the engine, and the values never to write out.
 * {@link dev.acp.Acp} is the one implementation; the run path depends on this and not on the
 * façade, so that the façade can offer the run path without a cycle between the two.
 */
public interface RunHost {
    Environment environment();

    /** {@code ACP_HOME}: runs, the cache, prices and the configuration. */
    Path acpHome();

    ProviderRegistry registry();

    ProviderCatalog catalog();

    LocalEngine.Options engineOptions();

    /** Every value ACP must never write out. */
    Secrets secrets();

    /** Loads and validates a pipeline file; problems of both stages together. */
    PlanResult check(Path file, RunSettings settings);

    /** Validates pipeline text whose relative paths resolve against {@code baseDirectory}. */
    PlanResult check(String text, String label, Path baseDirectory, NodeReader.Format format, RunSettings settings);

    /** The meters every run records into, if any were asked for ({@link dev.acp.Acp#withMetrics}). */
    default java.util.Optional<dev.acp.metrics.AcpMetrics> metrics() {
        return java.util.Optional.empty();
    }

    /** The engine alone, with no safeguards of its own: the run path adds them. */
    LocalEngine unguardedEngine();
}
