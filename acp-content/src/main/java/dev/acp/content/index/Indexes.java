package dev.acp.content.index;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.error.UsageException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Opening an index for the commands, steps and processor that use one, each problem as one line
 * naming the folder and the fix: no index there or one of another format ({@link UsageException}),
 * or files Lucene cannot read ({@link ProviderException}, {@link ErrorKind#LOCAL}).
 */
public final class Indexes {
    private Indexes() {}

    /** The index in {@code folder}. */
    public static VectorIndex open(Path folder, Clock clock) {
        try {
            return VectorIndex.open(folder, clock);
        } catch (IOException e) {
            throw new ProviderException(ErrorKind.LOCAL, "could not read the index " + folder + " (" + e.getMessage()
                    + "); build it again with 'acp content index build --index " + folder + " --input ITEMS'", e);
        }
    }
}
