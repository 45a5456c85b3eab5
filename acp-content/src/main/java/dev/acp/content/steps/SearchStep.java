package dev.acp.content.steps;

import dev.acp.content.index.ItemFilter;
import dev.acp.content.index.MetadataFilter;
import dev.acp.content.index.RangeFilter;
import dev.acp.content.index.SearchHit;
import dev.acp.content.index.Indexes;
import dev.acp.content.index.VectorIndex;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.error.UsageException;
import dev.acp.pipeline.Capability;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code search_similar}: the items of an index nearest a query text, or nearest one of its own
 * items ({@code id}), best first ({@code hits}: id, similarity, metadata), optionally filtered.
 */
final class SearchStep implements ContentStep {
    static final int MAX_K = 1000;

    private final ContentEngines engines;

    SearchStep(ContentEngines engines) {
        this.engines = engines;
    }

    @Override
    public Capability capability() {
        return Capability.SEARCH_SIMILAR;
    }

    @Override
    public void read(StepParams p) {
        p.path("index");
        p.integer("k", 1, MAX_K, 10);
        p.filters("filter");
        ranges(p);
        if (p.text("query", "text").filter(String::isBlank).isPresent()) {
            p.problem("query", "config.query is empty", "say what to look for, for example 'query: rainy day jazz'");
        }
    }

    @Override
    public ProviderResult run(ProviderRequest request, StepParams p) throws ProviderException, InterruptedException {
        Path folder = p.path("index").orElseThrow();
        int k = p.integer("k", 1, MAX_K, 10);
        List<ItemFilter> filters = new ArrayList<>();
        p.filters("filter").forEach((field, value) -> filters.add(new MetadataFilter(field, value)));
        filters.addAll(ranges(p));
        String query = p.text("query", "text").orElse(null);
        String id = p.text("id").orElse(null);
        try (VectorIndex index = Indexes.open(folder, engines.clock())) {
            List<SearchHit> hits;
            if (query != null) {
                var embedder = engines.embedder();
                index.manifest().requireModel(folder, embedder.modelId(), embedder.dimensions());
                hits = index.search(embedder.embed(List.of(query)).get(0), k, filters);
            } else {
                hits = index.similar(id, k, filters).orElseThrow(() -> new ProviderException(ErrorKind.VALIDATION,
                        "the index " + folder + " has no item '" + id + "'; give the id of an indexed item"));
            }
            List<Map<String, Object>> list = hits.stream().map(h -> Answers.map("id", h.id(), "similarity",
                    Answers.round(h.similarity(), 4), "metadata", h.metadata())).toList();
            Map<String, Object> body = Answers.map("index", folder.toString(), query != null ? "query" : "id",
                    query != null ? query : id, "k", k, "hits", list);
            return Answers.of(body, "text", Map.of("hits", list.size(), "index", folder.toString()));
        } catch (UsageException e) {
            throw new ProviderException(ErrorKind.VALIDATION, e.getMessage(), e);
        } catch (IOException e) {
            throw new ProviderException(ErrorKind.LOCAL, "could not read the index " + folder + " (" + e.getMessage()
                    + ")", e);
        }
    }

    /**
     * {@code where}: numeric conditions ({@code tempo_bpm>=100}), the same as the search command's
     * {@code --where}; one text or a list. A condition that does not read is a problem of the
     * step, found when the pipeline is checked.
     */
    private static List<RangeFilter> ranges(StepParams p) {
        List<RangeFilter> out = new ArrayList<>();
        for (String condition : p.texts("where").orElse(List.of())) {
            try {
                out.add(RangeFilter.parse(condition));
            } catch (UsageException e) {
                p.problem("where", "config.where '" + condition + "' is not a condition of the form field>=number"
                        + " (or >, <=, <)", "write for example 'where: [\"tempo_bpm>=100\", \"duration_seconds<240\"]'");
            }
        }
        return out;
    }
}
