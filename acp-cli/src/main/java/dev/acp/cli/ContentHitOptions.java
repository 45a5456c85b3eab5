package dev.acp.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.acp.content.index.ItemFilter;
import dev.acp.content.index.RangeFilter;
import dev.acp.content.index.SearchHit;
import dev.acp.error.UsageException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** How many hits {@code content search} and {@code content similar} return, and which items may be among them. */
final class ContentHitOptions {
    @Option(names = {"-k", "--k"}, paramLabel = "N", defaultValue = "10", description = "How many items (default:"
            + " ${DEFAULT-VALUE}).")
    int k = 10;

    @Option(names = "--filter", paramLabel = "FIELD=VALUE", description = "Only items whose metadata field has this"
            + " value (exact; a list field: holds it); repeat for several, all must match.")
    List<String> filters = new ArrayList<>();

    @Option(names = "--where", paramLabel = "FIELD>=N", description = "Only items with a number in this metadata"
            + " field on that side of N: >=, >, <= or < (for example tempo_bpm>=100); repeat for a range, all must"
            + " hold.")
    List<String> where = new ArrayList<>();

    /** {@code --k}, refused below 1. */
    int k() {
        if (k < 1) {
            throw new UsageException("--k must be at least 1, not " + k);
        }
        return k;
    }

    /**
     * Prints what a search found: a table of hits, or JSON {@code {index, <asked>: value, k, filters,
     * hits}} where {@code asked} is what the search started from ({@code query} or {@code id}).
     */
    void print(CliContext context, ContentFormatOption format, ContentIndexOption index, String asked, String value,
            List<SearchHit> found) throws JsonProcessingException {
        if (!format.json()) {
            ContentIndexing.table(context.out(), context.terminal(), found);
            return;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("index", index.dir.toString());
        m.put(asked, value);
        m.put("k", k);
        m.put("filters", filters);
        if (!where.isEmpty()) {
            m.put("where", where);
        }
        m.put("hits", ContentIndexing.json(found));
        format.print(context, m);
    }

    /** The filters and conditions, each refused unless it is field=value or field>=number (or >, <=, <). */
    List<ItemFilter> parsed() {
        List<ItemFilter> all = new ArrayList<>(ContentIndexing.filters(filters));
        where.forEach(w -> all.add(RangeFilter.parse(w)));
        return all;
    }
}
