package dev.acp.content.steps;

import dev.acp.content.cluster.Cluster;
import dev.acp.content.cluster.ClusterItem;
import dev.acp.content.cluster.ClusterOptions;
import dev.acp.content.cluster.ContentClusterer;
import dev.acp.content.cluster.Clustering;
import dev.acp.content.index.IndexedItem;
import dev.acp.content.index.Indexes;
import dev.acp.content.index.VectorIndex;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.pipeline.Capability;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * {@code cluster_content}: the items of an index, or a list of texts, grouped by meaning
 * ({@code clusters}: label, members, silhouette); k is chosen by silhouette unless given.
 */
final class ClusterStep implements ContentStep {
    private final ContentEngines engines;

    ClusterStep(ContentEngines engines) {
        this.engines = engines;
    }

    @Override
    public Capability capability() {
        return Capability.CLUSTER_CONTENT;
    }

    @Override
    public void read(StepParams p) {
        p.path("index");
        if (!p.has("index")) {
            EmbedStep.texts(p);
        }
        p.integer("k", 1, 10_000, 2);
        String method = p.text("method").orElse("kmeans");
        if (!p.pending("method") && !method.equals("kmeans") && !method.equals("density")) {
            p.problem("method", "config.method is '" + method + "'", "use kmeans or density");
        }
    }

    @Override
    public ProviderResult run(ProviderRequest request, StepParams p) throws ProviderException, InterruptedException {
        List<ClusterItem> items = items(p);
        if (items.size() < 2) {
            throw new ProviderException(ErrorKind.VALIDATION, "there are " + items.size() + " items to cluster;"
                    + " give at least two");
        }
        request.context().progress(0.3, "clustering " + items.size() + " items");
        ContentClusterer clusterer = new ContentClusterer(ClusterOptions.DEFAULTS);
        Clustering c;
        if (p.text("method").orElse("kmeans").equals("density")) {
            c = clusterer.density(items, OptionalDouble.empty(), 3);
        } else if (p.has("k")) {
            c = clusterer.kMeans(items, Math.min(items.size(), p.integer("k", 1, 10_000, 2)));
        } else {
            c = clusterer.autoK(items).clustering();
        }
        List<Map<String, Object>> clusters = new ArrayList<>();
        for (Cluster cl : c.clusters()) {
            clusters.add(Answers.map("index", cl.index(), "label", cl.label(), "size", cl.members().size(),
                    "silhouette", Answers.round(cl.silhouette(), 4), "members", cl.members()));
        }
        Map<String, Object> body = Answers.map("method", c.method(), "k", c.k(), "silhouette",
                Answers.round(c.silhouette(), 4), "noise", c.noise(), "clusters", clusters);
        return Answers.of(body, "text", Map.of("items", items.size(), "clusters", c.k()));
    }

    private List<ClusterItem> items(StepParams p) throws ProviderException {
        if (p.has("index")) {
            Path folder = p.path("index").orElseThrow();
            try (VectorIndex index = Indexes.open(folder, engines.clock())) {
                List<ClusterItem> out = new ArrayList<>();
                for (IndexedItem i : index.items()) {
                    out.add(new ClusterItem(i.id(), i.vector()));
                }
                return out;
            } catch (IOException e) {
                throw new ProviderException(ErrorKind.LOCAL, "could not read the index " + folder + " ("
                        + e.getMessage() + ")", e);
            }
        }
        List<String> texts = EmbedStep.texts(p);
        List<float[]> vectors = engines.embedder().embed(texts);
        List<ClusterItem> out = new ArrayList<>();
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (int i = 0; i < texts.size(); i++) {
            // Members are named by their text, so that a cluster's label reads as what it is about.
            String id = ids.add(texts.get(i)) ? texts.get(i) : texts.get(i) + " #" + (i + 1);
            ids.add(id);
            out.add(new ClusterItem(id, vectors.get(i)));
        }
        return out;
    }
}
