package dev.acp.batch;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How one row of a batch ended: the result a worker hands back for its row.
 *
 * @param runId the row's run (its journal and report are under the batch's {@code runs/} folder)
 * @param estimated what its steps were estimated at when dispatched, or null when none was
 * @param settled what its run spent over all its sessions
 * @param outputDirectory the row's folder
 * @param outputs the files its steps made, relative to {@code outputDirectory}
 * @param error why it did not succeed, on one line, or null
 */
public record RowOutcome(BatchRow row, String runId, RowStatus status, @Nullable BigDecimal estimated,
        BigDecimal settled, Path outputDirectory, List<String> outputs, @Nullable String error) {

    public RowOutcome {
        outputs = List.copyOf(outputs);
    }
}
