package dev.acp.local.testing;

import dev.acp.local.LocalProvider;
import dev.acp.pipeline.Capability;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import dev.acp.provider.SideFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** One local provider for all step tests (it holds FreeTTS voices), and request builders. */
public final class Steps {
    private static final LocalProvider PROVIDER = new LocalProvider(TestHome.isolatedEnvironment(), TestHome.acpHome());

    private Steps() {}

    public static LocalProvider provider() {
        return PROVIDER;
    }

    public static ProviderRequest request(
            Capability capability, @Nullable String model, Map<String, Object> parameters, Path output, RecordingContext context) {
        return new ProviderRequest("step-1", capability, model, parameters, output, context);
    }

    /** A request as the engine makes it: the provider writes {@code output}, a temporary name of {@code finalOutput}. */
    public static ProviderRequest request(Capability capability, @Nullable String model, Map<String, Object> parameters,
            Path output, Path finalOutput, RecordingContext context) {
        return new ProviderRequest("step-1", capability, model, parameters, output, finalOutput, context);
    }

    /** Moves the side files of a result into place, as the engine does once the step succeeds. */
    public static ProviderResult placeSideFiles(ProviderResult result) throws IOException {
        for (SideFile f : result.sideFiles()) {
            f.moveIntoPlace();
        }
        return result;
    }
}
