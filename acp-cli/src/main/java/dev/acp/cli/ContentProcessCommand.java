package dev.acp.cli;

import dev.acp.Acp;
import dev.acp.content.cluster.Clustering;
import dev.acp.content.cluster.NearestCluster;
import dev.acp.content.faces.FaceScan;
import dev.acp.content.process.ContentKind;
import dev.acp.content.process.ContentModels;
import dev.acp.content.process.ContentProcessor;
import dev.acp.content.process.IndexPlacement;
import dev.acp.content.process.ProcessOptions;
import dev.acp.content.process.ProcessedContent;
import dev.acp.content.quality.QualityDimension;
import dev.acp.content.shots.Shot;
import dev.acp.error.UsageException;
import dev.acp.local.media.Ffmpeg;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code acp content process FILE}: every analysis that applies to a file in one answer (the
 * seeds' {@code process_content}); the work is {@link ContentProcessor}'s, this prints it.
 */
@Command(name = "process", mixinStandardHelpOptions = true,
        description = "Everything about one file at once: its metadata; the embedding of its text (a text file's"
                + " content; for media --text, a FILE.txt beside it, or its title tags); shots and keyframes of a"
                + " video; faces of an image or video; quality; and with --index, the cluster of that index it falls"
                + " into and its nearest items. Offline.")
final class ContentProcessCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "An image, audio, video or UTF-8 text file.")
    Path file;

    @Option(names = "--text", paramLabel = "TEXT", description = "What the file is about, embedded instead of its"
            + " sidecar, tags or content.")
    @Nullable String text;

    @Option(names = "--index", paramLabel = "DIR", description = "An index to place the file in: the cluster whose"
            + " centre is nearest (as 'acp content cluster --index DIR' groups it) and the nearest items.")
    @Nullable Path index;

    @Option(names = "--keyframes", paramLabel = "DIR", description = "For a video, write each shot's keyframe as"
            + " DIR/shot_001.png, shot_002.png, ...")
    @Nullable Path keyframes;

    @Option(names = "--neighbours", paramLabel = "N", defaultValue = "" + ProcessOptions.DEFAULT_NEIGHBOURS,
            description = "With --index, how many nearest items to list (default: ${DEFAULT-VALUE}).")
    int neighbours;

    @Mixin
    ContentFormatOption format = new ContentFormatOption();

    private final CliContext context;
    /** Held so that Lucene's start-up lines stay quiet while the command runs. */
    private final java.util.logging.Logger lucene = ContentIndexing.quietLucene();

    ContentProcessCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (neighbours < 1) {
            throw new UsageException("--neighbours must be at least 1, not " + neighbours);
        }
        ProcessOptions options = ProcessOptions.defaults().withText(text)
                .withIndex(index == null ? null : ContentIndexing.resolve(context, index))
                .withKeyframes(keyframes == null ? null : ContentIndexing.resolve(context, keyframes))
                .withNeighbours(neighbours);
        Ffmpeg ffmpeg = Ffmpeg.locate(context.environment(), Acp.acpHome(context.environment()));
        ProcessedContent result;
        try (ContentModels models = ContentModels.standard()) {
            result = new ContentProcessor(ffmpeg, Path.of(System.getProperty("java.io.tmpdir")), Clock.systemUTC(),
                    models).process(ContentIndexing.resolve(context, file), options);
        }
        if (format.json()) {
            format.print(context, json(result));
        } else {
            table(result);
        }
        return ExitCode.OK.code();
    }

    private Map<String, Object> json(ProcessedContent r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", file.toString());
        m.put("kind", r.kind().wireName());
        m.put("metadata", r.metadata().asMap());
        if (r.description() != null) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("source", r.description().source());
            d.put("text", r.description().text());
            m.put("description", d);
        } else {
            m.put("description", null);
        }
        if (r.embedding() != null) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("model", r.embedding().model());
            e.put("dimensions", r.embedding().vector().length);
            e.put("vector", r.embedding().vector());
            m.put("embedding", e);
        } else {
            m.put("embedding", null);
        }
        m.put("shots", r.shots() == null ? null : ContentShotsCommand.json(r.shots(), null));
        m.put("faces", r.faces() == null ? null : ContentFacesCommand.json(r.faces(),
                ProcessOptions.defaults().faceMinScore(), null, null));
        m.put("quality", r.quality() == null ? null : ContentQualityCommand.json(r.quality(), file));
        m.put("cluster", r.placement() == null ? null : json(r.placement()));
        m.put("notes", r.notes());
        return m;
    }

    private Map<String, Object> json(IndexPlacement p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("index", index == null ? p.index().toString() : index.toString());
        m.put("items", p.items());
        Clustering c = p.clustering();
        NearestCluster.Placement placed = p.cluster();
        if (c != null && placed != null) {
            m.put("method", c.method());
            m.put("k", c.k());
            m.put("silhouette", round(c.silhouette()));
            m.put("cluster", placed.cluster().index() + 1);
            m.put("label", placed.cluster().label());
            m.put("label_summary", ContentIndexing.summary(p.labelMetadata()));
            m.put("size", placed.cluster().members().size());
            m.put("similarity", round(placed.similarity()));
        } else {
            m.put("cluster", null);
        }
        m.put("neighbours", ContentIndexing.json(p.neighbours()));
        return m;
    }

    private void table(ProcessedContent r) {
        PrintWriter out = context.out();
        out.println(file + ": " + r.kind().wireName() + ", " + CacheCommand.size(r.metadata().sizeBytes())
                + facts(r));
        if (r.description() != null) {
            String t = r.description().text().replaceAll("\\s+", " ").strip();
            out.println("Text:      " + (t.length() > 70 ? t.substring(0, 69) + "…" : t) + " (from "
                    + r.description().source() + ")");
        }
        if (r.embedding() != null) {
            out.println("Embedding: " + r.embedding().vector().length + " dimensions, " + r.embedding().model());
        }
        if (r.shots() != null) {
            List<Shot> shots = r.shots().shots();
            out.println("Shots:     " + shots.size() + shots.stream().skip(1).map(s -> s.transition().wireName()
                    + " at " + String.format(Locale.ROOT, "%.2f s", s.startSeconds()))
                    .collect(Collectors.joining(", ", shots.size() > 1 ? " (" : "", shots.size() > 1 ? ")" : ""))
                    + (keyframes == null ? "" : "; keyframes in " + keyframes));
        }
        if (r.faces() != null) {
            out.println("Faces:     " + r.faces().faceCount() + switch (r.faces()) {
                case FaceScan.Image image -> "";
                case FaceScan.Video video -> " in " + video.frames().size() + " frames, one every "
                        + video.everySeconds() + " s";
            });
        }
        if (r.quality() != null) {
            out.println(String.format(Locale.ROOT, "Quality:   %.2f overall; ", r.quality().overall())
                    + r.quality().dimensions().stream().filter(d -> d.weight() > 0).map(ContentProcessCommand::score)
                            .collect(Collectors.joining(", ")));
        }
        if (r.placement() != null) {
            IndexPlacement p = r.placement();
            NearestCluster.Placement placed = p.cluster();
            if (placed != null && p.clustering() != null) {
                out.println(String.format(Locale.ROOT, "Cluster:   %d of %d in %s, named by %s (%s), similarity"
                        + " %.2f to its centre", placed.cluster().index() + 1, p.clustering().k(), index,
                        placed.cluster().label(), ContentIndexing.summary(p.labelMetadata()), placed.similarity()));
            }
            out.println("Nearest items of " + index + ":");
            ContentIndexing.table(out, context.terminal(), p.neighbours());
        }
        r.notes().forEach(n -> out.println("Note:      " + n));
    }

    private static String facts(ProcessedContent r) {
        var m = r.metadata();
        StringBuilder s = new StringBuilder();
        if (m.durationSeconds() != null && r.kind() != ContentKind.IMAGE) {
            s.append(String.format(Locale.ROOT, ", %.2f s", m.durationSeconds()));
        }
        if (m.width() != null && m.height() != null) {
            s.append(", ").append(m.width()).append(" x ").append(m.height());
        }
        if (m.videoCodec() != null) {
            s.append(", ").append(m.videoCodec());
        }
        if (m.fps() != null && r.kind() == ContentKind.VIDEO) {
            s.append(String.format(Locale.ROOT, " %.3g fps", m.fps()));
        }
        if (m.audioCodec() != null) {
            s.append(", ").append(m.audioCodec());
            if (m.sampleRate() != null) {
                s.append(' ').append(m.sampleRate()).append(" Hz");
            }
        }
        if (m.words() != null) {
            s.append(", ").append(m.words()).append(" words, ").append(m.lines()).append(" lines");
        }
        return s.toString();
    }

    private static String score(QualityDimension d) {
        return d.name() + " " + String.format(Locale.ROOT, "%.2f", d.score());
    }

    private static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }
}
