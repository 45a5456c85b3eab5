package dev.acp.content.steps;

import dev.acp.content.index.VectorIndex;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import java.io.IOException;
import java.nio.file.Path;

/** Opens an index for a step, its reading problems as the step's error. */
final class Indexes {
    private Indexes() {}

    static VectorIndex open(Path folder, ContentEngines engines) throws ProviderException {
        try {
            return VectorIndex.open(folder, engines.clock());
        } catch (IOException e) {
            throw new ProviderException(ErrorKind.LOCAL, "could not read the index " + folder + " (" + e.getMessage()
                    + "); build it again with 'acp content index build --index " + folder + " --input ITEMS'", e);
        }
    }
}
