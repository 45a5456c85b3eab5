package dev.acp.cli;

import dev.acp.content.cluster.Cluster;
import dev.acp.content.cluster.ClusterItem;
import dev.acp.content.cluster.ClusterOptions;
import dev.acp.content.cluster.Clustering;
import dev.acp.content.cluster.ContentClusterer;
import dev.acp.content.index.IndexedItem;
import dev.acp.content.index.VectorIndex;
import dev.acp.error.UsageException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code acp content cluster}: the items of an index grouped by meaning. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "Group the items of an index by meaning: k-means++ on the stored vectors with k chosen by"
                + " silhouette (or --k), or --method density for small sets; each cluster is named by the item"
                + " nearest its centre.")
final class ContentClusterCommand implements Callable<Integer> {
    @Mixin
    ContentIndexOption index = new ContentIndexOption();

    @Option(names = {"-k", "--k"}, paramLabel = "N", description = "Number of clusters (default: chosen by"
            + " silhouette from 2 to " + ContentClusterer.MAX_AUTO_K + ").")
    Integer k;

    @Option(names = "--auto", description = "Choose k by silhouette (the default when --k is not given).")
    boolean auto;

    @Option(names = "--method", paramLabel = "METHOD", defaultValue = "kmeans", description = "kmeans (default) or"
            + " density (DBSCAN on cosine distance; up to 5,000 items; outliers are left as noise).")
    String method;

    @Mixin
    ContentFormatOption format = new ContentFormatOption();

    private final CliContext context;

    ContentClusterCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException {
        if (k != null && auto) {
            throw new UsageException("--k and --auto choose k two ways; give one of them");
        }
        if (!method.equals("kmeans") && !method.equals("density")) {
            throw new UsageException("--method is '" + method + "'; use kmeans or density");
        }
        List<ClusterItem> items = new ArrayList<>();
        Map<String, Map<String, Object>> metadata = new HashMap<>();
        try (VectorIndex vectors = index.open(context)) {
            for (IndexedItem i : vectors.items()) {
                items.add(new ClusterItem(i.id(), i.vector()));
                metadata.put(i.id(), i.metadata());
            }
        }
        if (items.size() < 2) {
            throw new UsageException("the index " + index.dir + " holds " + items.size() + " items; clustering needs at"
                    + " least two (add items with 'acp content index add')");
        }
        if (k != null && (k < 1 || k > items.size())) {
            throw new UsageException("--k must be from 1 to the number of items (" + items.size() + "), not " + k);
        }
        ContentClusterer clusterer = new ContentClusterer(ClusterOptions.DEFAULTS);
        Clustering c = method.equals("density") ? clusterer.density(items, OptionalDouble.empty(), 3)
                : k != null ? clusterer.kMeans(items, k)
                : clusterer.autoK(items).clustering();
        if (format.json()) {
            List<Map<String, Object>> clusters = new ArrayList<>();
            for (Cluster cl : c.clusters()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("cluster", cl.index() + 1);
                m.put("label", cl.label());
                m.put("label_summary", ContentIndexing.summary(metadata.getOrDefault(cl.label(), Map.of())));
                m.put("size", cl.members().size());
                m.put("silhouette", Math.round(cl.silhouette() * 10_000) / 10_000.0);
                m.put("members", cl.members());
                clusters.add(m);
            }
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("index", index.dir.toString());
            root.put("method", c.method());
            root.put("k", c.k());
            root.put("silhouette", Math.round(c.silhouette() * 10_000) / 10_000.0);
            root.put("noise", c.noise());
            root.put("clusters", clusters);
            format.print(context, root);
        } else {
            context.out().printf("%d clusters of %d items (%s, mean silhouette %.3f)%n", c.k(), items.size(), c.method(),
                    c.silhouette());
            for (Cluster cl : c.clusters()) {
                context.out().printf("%3d  %4d items  %s: %s%n", cl.index() + 1, cl.members().size(), cl.label(),
                        ContentIndexing.summary(metadata.getOrDefault(cl.label(), Map.of())));
            }
            if (!c.noise().isEmpty()) {
                context.out().println("noise (in no cluster): " + String.join(", ", c.noise()));
            }
        }
        return ExitCode.OK.code();
    }
}
