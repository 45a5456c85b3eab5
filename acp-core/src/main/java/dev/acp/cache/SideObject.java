package dev.acp.cache;

import dev.acp.util.Hashing;
import java.util.Objects;

/**
 * A side file of a step result by its content, as the cache and the journal keep it (see
 * {@link dev.acp.provider.SideFile}).
 *
 * @param suffix appended to the main output's base name to name it ({@code .srt}), so that a
 *     result served under another output name gets side files named after that one
 * @param sha256 the file's content hash, or for a folder the hash of its manifest (see
 *     {@link Hashing#manifest})
 * @param folder whether it is a folder
 */
public record SideObject(String suffix, String sha256, boolean folder) {
    public SideObject {
        Objects.requireNonNull(suffix, "suffix");
        Objects.requireNonNull(sha256, "sha256");
    }
}
