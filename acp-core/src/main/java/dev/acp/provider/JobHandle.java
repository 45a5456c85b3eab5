package dev.acp.provider;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A provider's reference to a submitted job, as the engine journals it before waiting: enough
 * to find the job again after a crash (the provider's job id plus any URLs the provider returned
 * for status and result). Plain strings only, so it survives any serialisation.
 *
 * @param provider the provider id
 * @param id the provider's job or request id
 * @param data further values the provider needs to poll, fetch or cancel (status URL, ...)
 */
public record JobHandle(String provider, String id, Map<String, String> data) {
    public JobHandle {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(id, "id");
        data = java.util.Collections.unmodifiableMap(new TreeMap<>(data));
    }

    public static JobHandle of(String provider, String id) {
        return new JobHandle(provider, id, Map.of());
    }
}
