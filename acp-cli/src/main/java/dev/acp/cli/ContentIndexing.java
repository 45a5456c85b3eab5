package dev.acp.cli;

import dev.acp.content.embed.MiniLmEmbedder;
import dev.acp.content.embed.TextEmbedder;
import dev.acp.content.index.MetadataFilter;
import dev.acp.content.index.SearchHit;
import dev.acp.content.items.ItemSet;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/** What the {@code acp content} index and search commands share: the model, messages, hit tables. */
final class ContentIndexing {
    private ContentIndexing() {}

    /**
     * Lucene says on stderr whether it computes with the JDK's vector instructions; users see
     * neither the INFO line nor, without the launcher's module flag, the WARNING. The logger is
     * returned to be held while the command runs (the logging system keeps loggers weakly).
     */
    static Logger quietLucene() {
        Logger logger = Logger.getLogger("org.apache.lucene.internal.vectorization");
        logger.setLevel(Level.SEVERE);
        return logger;
    }

    /** The embedding model, on every core. */
    static TextEmbedder embedder() {
        return MiniLmEmbedder.load();
    }

    static Path resolve(CliContext context, Path path) {
        return context.workingDirectory().resolve(path).normalize();
    }

    /** Prints each problem of an items file on a line, then what happens now. */
    static void printProblems(PrintWriter err, ItemSet set, String label) {
        set.problems().forEach(p -> err.println(p.render()));
        int n = set.problems().size();
        err.println(n + (n == 1 ? " error" : " errors") + " in " + label + "; nothing was indexed.");
    }

    static List<MetadataFilter> filters(List<String> texts) {
        return texts.stream().map(MetadataFilter::parse).toList();
    }

    /** Hits as {@code {rank, id, similarity, metadata}} objects. */
    static List<Map<String, Object>> json(List<SearchHit> hits) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < hits.size(); i++) {
            SearchHit h = hits.get(i);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rank", i + 1);
            m.put("id", h.id());
            m.put("similarity", Math.round(h.similarity() * 10_000) / 10_000.0);
            m.put("metadata", h.metadata());
            out.add(m);
        }
        return out;
    }

    /** A table of hits: rank, similarity, id and the item's first text fields. */
    static void table(PrintWriter out, Terminal terminal, List<SearchHit> hits) {
        if (hits.isEmpty()) {
            out.println("No items match.");
            return;
        }
        int idWidth = Math.max(2, Math.min(24, hits.stream().mapToInt(h -> h.id().length()).max().orElse(2)));
        out.println(terminal.bold(String.format("%4s  %10s  %-" + idWidth + "s  %s", "#", "SIMILARITY", "ID", "ITEM")));
        for (int i = 0; i < hits.size(); i++) {
            SearchHit h = hits.get(i);
            String line = String.format(java.util.Locale.ROOT, "%4d  %10.4f  %-" + idWidth + "s  %s", i + 1,
                    h.similarity(), h.id(), summary(h.metadata()));
            out.println(ProgressDisplay.fit(line.stripTrailing(), Math.max(terminal.width(), 60), false));
        }
    }

    /** The item's text fields (title first when it has one), joined, on one line. */
    static String summary(Map<String, Object> metadata) {
        List<String> parts = new ArrayList<>();
        Object title = metadata.get("title");
        if (title instanceof String t && !t.isBlank()) {
            parts.add(t);
        }
        for (Map.Entry<String, Object> e : metadata.entrySet()) {
            if (parts.size() >= 3) {
                break;
            }
            if (!e.getKey().equals("title") && !e.getKey().equals("path") && e.getValue() instanceof String s
                    && !s.isBlank() && s.length() < 200) {
                parts.add(s);
            }
        }
        return String.join(" · ", parts).replaceAll("\\s+", " ");
    }
}
