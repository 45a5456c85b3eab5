package dev.acp.batch;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** The rows of a CSV inputs file: the first record names the columns, each later one is a row. */
final class CsvRows implements RowSource {
    private final CsvReader reader;
    private final Sha256 sha;
    private final List<String> columns;
    private final List<RawRow.Issue> headerIssues;
    private long number;

    private CsvRows(CsvReader reader, Sha256 sha, List<String> columns, List<RawRow.Issue> headerIssues) {
        this.reader = reader;
        this.sha = sha;
        this.columns = columns;
        this.headerIssues = headerIssues;
    }

    static CsvRows open(CsvReader reader, Sha256 sha) throws IOException {
        CsvReader.Record header = reader.next();
        List<RawRow.Issue> issues = new ArrayList<>();
        if (header == null) {
            issues.add(new RawRow.Issue("the file is empty", "write a header row naming the inputs, then one row per"
                    + " run"));
            return new CsvRows(reader, sha, List.of(), issues);
        }
        if (header.problem() != null) {
            issues.add(new RawRow.Issue("the header row is not valid CSV: " + header.problem(),
                    "close the quotes in the header row"));
        }
        List<String> names = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < header.fields().size(); i++) {
            String name = header.fields().get(i).strip();
            if (name.isEmpty()) {
                issues.add(new RawRow.Issue("column " + (i + 1) + " of the header has no name",
                        "name every column after an input of the pipeline, or remove the empty column"));
            } else if (!seen.add(name)) {
                issues.add(new RawRow.Issue("column '" + name + "' appears twice in the header",
                        "keep one column per input"));
            }
            names.add(name);
        }
        return new CsvRows(reader, sha, List.copyOf(names), issues);
    }

    @Override
    public @Nullable RawRow next() throws IOException {
        CsvReader.Record r = reader.next();
        if (r == null) {
            return null;
        }
        number++;
        List<RawRow.Issue> issues = new ArrayList<>();
        if (r.problem() != null) {
            issues.add(new RawRow.Issue("not valid CSV: " + r.problem(), "put fields holding commas, quotes or"
                    + " line breaks in double quotes, with each quote inside doubled (\"\")"));
        } else if (r.fields().size() != columns.size()) {
            issues.add(new RawRow.Issue("the row has " + r.fields().size() + " field" + (r.fields().size() == 1 ? ""
                    : "s") + " but the header has " + columns.size(), "give every row one field per column (an"
                    + " empty field for a default); quote fields that contain commas"));
        }
        // A ragged row keeps the fields it has, so that its id can name it in the message.
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < Math.min(columns.size(), r.fields().size()); i++) {
            String v = r.fields().get(i);
            if (!v.isEmpty() && !columns.get(i).isEmpty()) {
                values.put(columns.get(i), v);
            }
        }
        return new RawRow(number, r.line(), values, issues);
    }

    @Override
    public List<String> columns() {
        return columns;
    }

    @Override
    public List<RawRow.Issue> headerIssues() {
        return headerIssues;
    }

    @Override
    public String sha256() {
        return sha.hex();
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
