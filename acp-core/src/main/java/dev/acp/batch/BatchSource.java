package dev.acp.batch;

import dev.acp.pipeline.InputSpec;
import dev.acp.plan.RunSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Where a batch's rows come from and which of them it runs: the inputs file, its format, the
 * selection ({@code --only}, {@code --limit-rows}), and the folder under which each row gets a
 * folder of its own. Both passes over the rows (check, then run) read them through this.
 *
 * @param label the inputs file as the user named it, for messages
 * @param limitRows run at most this many rows (the first selected), or null for all
 * @param only run only the rows with these ids, or all when empty
 * @param outputRoot the folder of the rows' folders ({@code DIR/<row id>/}) and of the results
 */
record BatchSource(Path inputsFile, String label, RowSource.Format format, @Nullable Long limitRows,
        List<String> only, Path outputRoot) {

    BatchSource {
        only = List.copyOf(only);
    }

    RowSource open() throws IOException {
        return RowSource.open(inputsFile, format);
    }

    /** Checks rows against the pipeline's inputs; relative file paths start in the inputs file's folder. */
    RowChecker checker(Map<String, InputSpec> inputs) {
        return new RowChecker(inputs, label, inputsFile.toAbsolutePath().getParent());
    }

    /** Whether the batch runs {@code row}, {@code selected} rows being selected before it. */
    boolean selects(BatchRow row, int selected, Set<String> onlyIds) {
        if (!onlyIds.isEmpty() && !onlyIds.contains(row.id())) {
            return false;
        }
        return limitRows == null || selected < limitRows;
    }

    /** The folder of a row's outputs. */
    Path rowDirectory(String rowId) {
        return outputRoot.resolve(rowId);
    }

    /** How a row's run is planned: the batch's settings with the row's inputs and folder. */
    RunSettings settings(RunSettings base, BatchRow row) {
        return base.withInputs(row.inputs()).withOutputDirectory(rowDirectory(row.id()));
    }
}
