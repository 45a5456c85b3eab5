package dev.acp.batch;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One row as read from the inputs file, before it is checked against the pipeline's inputs.
 *
 * @param number the row's position among the rows, from 1 (its id when the file has no id column)
 * @param line the line of the inputs file the row starts on
 * @param values the row's cells by column name, as text; an empty CSV cell or a JSON null is absent
 * @param issues what was wrong with the row's syntax (a ragged row, a line that is not JSON), each
 *     with its fix; such a row is never run
 */
record RawRow(long number, long line, Map<String, String> values, List<Issue> issues) {

    RawRow {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        issues = List.copyOf(issues);
    }

    /** A problem with the row and how to fix it. */
    record Issue(String message, String fix) {}
}
