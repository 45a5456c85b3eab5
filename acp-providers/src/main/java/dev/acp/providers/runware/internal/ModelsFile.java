package dev.acp.providers.runware.internal;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The form of {@code dev/acp/providers/runware/models.yaml}. */
public record ModelsFile(int version, Map<String, List<String>> defaults, Map<String, Model> models) {

    /**
     * A model ACP knows by name.
     *
     * @param air Runware's AIR id, for example {@code runware:101@1}
     * @param note what is known or unconfirmed about it, for {@code acp info}
     */
    public record Model(String capability, String air, String title, @Nullable String note) {}
}
