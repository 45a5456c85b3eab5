package dev.acp.content.process;

import dev.acp.content.cluster.ClusterItem;
import dev.acp.content.cluster.ClusterOptions;
import dev.acp.content.cluster.Clustering;
import dev.acp.content.cluster.ContentClusterer;
import dev.acp.content.cluster.NearestCluster;
import dev.acp.content.embed.TextEmbedder;
import dev.acp.content.embed.TextFiles;
import dev.acp.content.faces.FaceScan;
import dev.acp.content.faces.FaceScanner;
import dev.acp.content.index.IndexedItem;
import dev.acp.content.index.Indexes;
import dev.acp.content.index.VectorIndex;
import dev.acp.content.quality.MediaKind;
import dev.acp.content.quality.QualityAnalyzer;
import dev.acp.content.quality.QualityReport;
import dev.acp.content.shots.KeyframeWriter;
import dev.acp.content.shots.ShotDetector;
import dev.acp.content.shots.ShotList;
import dev.acp.content.shots.ShotOptions;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.error.UsageException;
import dev.acp.local.media.Ffmpeg;
import dev.acp.local.media.MediaInfo;
import dev.acp.local.media.MediaProbe;
import dev.acp.local.process.CommandResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Runs every analysis that applies to one file and returns it all in one {@link ProcessedContent}:
 * the seeds' {@code process_content}. What a file is comes from ffmpeg's view of its streams, or
 * from its bytes when they are UTF-8 text:
 *
 * <ul>
 *   <li>text: metadata (size, characters, words, lines) and the embedding of its content;
 *   <li>image: metadata, faces, quality;
 *   <li>audio: metadata, quality;
 *   <li>video: metadata, shots (and keyframes), faces in a frame a second, quality.
 * </ul>
 *
 * A media file's meaning is the text given with it ({@link ProcessOptions#text()}), else a text
 * file beside it ({@code clip.mp4.txt} or {@code clip.txt}), else its container's title,
 * description and similar tags; that text is embedded. With an index, the file is placed in it:
 * the cluster whose centre is nearest (the index clustered as {@code acp content cluster} does by
 * default) and the nearest items.
 *
 * <p>Bad input is refused before any long work, with one line naming the file and the fix: a
 * {@link UsageException} for what the caller gave wrongly (a missing file, empty or non-UTF-8
 * text, an index of another model or too small a request) and a {@link ProviderException} when
 * the file cannot be analysed (not media ffmpeg can read, a stream that does not decode).
 */
public final class ContentProcessor {
    /** Read as text without asking ffmpeg, whose {@code tty} demuxer would take a .txt for a video. */
    private static final Set<String> TEXT_EXTENSIONS = Set.of("txt", "text", "md", "markdown", "rst", "adoc");
    /** A file larger than this that ffmpeg cannot read is not taken for text: nobody embeds 16 MB of prose. */
    private static final long MAX_SNIFFED_BYTES = 16L << 20;
    /** Tags that say what a file is about, in the order they are embedded. */
    private static final List<String> DESCRIBING_TAGS = List.of("title", "description", "synopsis", "comment",
            "artist", "album", "genre", "keywords");

    private final Ffmpeg ffmpeg;
    private final Path scratch;
    private final Clock clock;
    private final ContentModels models;

    /**
     * @param scratch where analysers put decoded frames and samples for a moment (each removes its own)
     * @param models the models, loaded when first needed and closed by the caller
     */
    public ContentProcessor(Ffmpeg ffmpeg, Path scratch, Clock clock, ContentModels models) {
        this.ffmpeg = Objects.requireNonNull(ffmpeg, "ffmpeg");
        this.scratch = Objects.requireNonNull(scratch, "scratch");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.models = Objects.requireNonNull(models, "models");
    }

    /** Everything about {@code file}; see the class comment for what applies to which kind. */
    public ProcessedContent process(Path file, ProcessOptions options) throws IOException, InterruptedException {
        if (!Files.isRegularFile(file)) {
            throw new UsageException("no such file: " + file + "; check the path");
        }
        if (options.text() != null && options.text().isBlank()) {
            throw new UsageException("the text given for " + file + " is empty; say in words what the file is about");
        }
        List<String> notes = new ArrayList<>();
        Identified what = identify(file);
        String content = what.kind() == ContentKind.TEXT ? textContent(file) : null;
        Description description = options.text() != null ? new Description(options.text(), "option")
                : content != null ? new Description(content, "text")
                : mediaDescription(file, what.tags(), notes);
        // The index is opened first so that a wrong folder or model is said before minutes of analysis.
        try (VectorIndex index = options.index() == null ? null : Indexes.open(options.index(), clock)) {
            if (index != null && description == null) {
                throw new UsageException(file + " has no text to place it in the index by: give --text, write a"
                        + " description in " + file.getFileName() + ".txt beside it, or give it a title tag");
            }
            Embedding embedding = description == null ? null : embed(description, index);
            ShotList shots = null;
            FaceScan faces = null;
            QualityReport quality = null;
            switch (what.kind()) {
                case TEXT -> notes.add("quality: text has no quality score; faces and shots need pictures");
                case AUDIO -> quality = quality(file);
                case IMAGE -> {
                    faces = faces(file, options);
                    quality = quality(file);
                }
                case VIDEO -> {
                    shots = shots(file, options.keyframes());
                    faces = faces(file, options);
                    // The shots just found give the quality its shot rhythm: one decode, not two.
                    quality = new QualityAnalyzer(ffmpeg, scratch).analyze(file, shots);
                }
            }
            if (options.keyframes() != null && what.kind() != ContentKind.VIDEO) {
                notes.add("keyframes: only a video has shots to take keyframes of; nothing was written");
            }
            IndexPlacement placement = index == null || embedding == null ? null
                    : place(index, embedding, options.neighbours(), notes);
            ContentMetadata metadata = content != null ? ContentMetadata.text(Files.size(file), content)
                    : ContentMetadata.media(Files.size(file), Objects.requireNonNull(what.info()), what.tags());
            return new ProcessedContent(file, what.kind(), metadata, description, embedding, shots, faces, quality,
                    placement, notes);
        }
    }

    /** A file's kind, with ffmpeg's description and container tags when it is media. */
    private record Identified(ContentKind kind, @Nullable MediaInfo info, Map<String, String> tags) {}

    private Identified identify(Path file) throws IOException, InterruptedException {
        if (TEXT_EXTENSIONS.contains(extension(file))) {
            return new Identified(ContentKind.TEXT, null, Map.of());
        }
        CommandResult probed = ffmpeg.execute(List.of("-i", file.toAbsolutePath().toString()), line -> {});
        MediaInfo info = MediaProbe.parse(probed.stderr());
        boolean media = info != null && (info.video().isPresent() || info.audio().isPresent());
        if (!media && Files.size(file) <= MAX_SNIFFED_BYTES && TextFiles.looksLikeText(Files.readAllBytes(file))) {
            return new Identified(ContentKind.TEXT, null, Map.of());
        }
        if (info == null) {
            throw new ProviderException(ErrorKind.VALIDATION, file + " is neither UTF-8 text nor an image, audio or"
                    + " video file ffmpeg can read (" + probed.stderrTail(1) + "); check that it is complete");
        }
        if (!media) {
            throw new ProviderException(ErrorKind.VALIDATION, file + " has no picture, sound or text to process"
                    + " (only " + info.streams().size() + " other streams); give an image, audio, video or text file");
        }
        ContentKind kind = switch (MediaKind.of(file, info)) {
            case IMAGE -> ContentKind.IMAGE;
            case AUDIO -> ContentKind.AUDIO;
            case VIDEO -> ContentKind.VIDEO;
        };
        return new Identified(kind, info, ContainerTags.parse(probed.stderr()));
    }

    /** A text file's content, which must be UTF-8 and not blank, whatever is embedded in its place. */
    private static String textContent(Path file) {
        String text = TextFiles.read(file, file, "the path");
        if (text.isBlank()) {
            throw new UsageException(file + " is empty; give it some text to process");
        }
        return text;
    }

    private static @Nullable Description mediaDescription(Path file, Map<String, String> tags, List<String> notes) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        List<Path> sidecars = new ArrayList<>(List.of(file.resolveSibling(name + ".txt")));
        if (dot > 0) {
            sidecars.add(file.resolveSibling(name.substring(0, dot) + ".txt"));
        }
        for (Path sidecar : sidecars) {
            if (Files.isRegularFile(sidecar)) {
                String text = TextFiles.read(sidecar, sidecar, "the path");
                if (text.isBlank()) {
                    throw new UsageException(sidecar + " describes " + name + " but is empty; write what the file"
                            + " shows in it, or remove it");
                }
                return new Description(text.strip(), "sidecar " + sidecar.getFileName());
            }
        }
        List<String> lines = new ArrayList<>();
        for (String tag : DESCRIBING_TAGS) {
            tags.entrySet().stream().filter(e -> e.getKey().toLowerCase(Locale.ROOT).equals(tag)
                    && !e.getValue().isBlank()).findFirst().ifPresent(e -> lines.add(tag + ": " + e.getValue()));
        }
        if (!lines.isEmpty()) {
            return new Description(String.join("\n", lines), "container metadata");
        }
        notes.add("embedding: nothing describes " + name + " (give --text, write " + name + ".txt beside it, or tag"
                + " it with a title)");
        return null;
    }

    private Embedding embed(Description description, @Nullable VectorIndex index) {
        TextEmbedder embedder = models.embedder();
        if (index != null) {
            index.manifest().requireModel(index.folder(), embedder.modelId(), embedder.dimensions());
        }
        return new Embedding(embedder.modelId(), embedder.embed(List.of(description.text())).getFirst());
    }

    private ShotList shots(Path file, @Nullable Path keyframes) throws InterruptedException {
        ShotList list = new ShotDetector(ffmpeg).detect(file, ShotOptions.DEFAULTS);
        return keyframes == null ? list : new KeyframeWriter(ffmpeg).write(list, keyframes, 0);
    }

    private FaceScan faces(Path file, ProcessOptions options) throws InterruptedException {
        return new FaceScanner(models.faces(), ffmpeg, scratch).scan(file, options.faceMinScore(),
                options.faceEverySeconds());
    }

    private QualityReport quality(Path file) throws InterruptedException {
        return new QualityAnalyzer(ffmpeg, scratch).analyze(file);
    }

    private static IndexPlacement place(VectorIndex index, Embedding embedding, int neighbours, List<String> notes) {
        List<IndexedItem> indexed = index.items();
        List<ClusterItem> items = indexed.stream().map(i -> new ClusterItem(i.id(), i.vector())).toList();
        Clustering clustering = null;
        NearestCluster.Placement cluster = null;
        Map<String, Object> labelMetadata = Map.of();
        if (items.size() >= 3) {
            clustering = new ContentClusterer(ClusterOptions.DEFAULTS).autoK(items).clustering();
            cluster = NearestCluster.of(clustering, items).place(embedding.vector());
            String label = cluster.cluster().label();
            labelMetadata = indexed.stream().filter(i -> i.id().equals(label)).findFirst()
                    .map(IndexedItem::metadata).orElse(Map.of());
        } else {
            notes.add("cluster: the index " + index.folder() + " holds " + items.size() + " items; clustering needs"
                    + " at least three");
        }
        return new IndexPlacement(index.folder(), index.size(), clustering, cluster, labelMetadata,
                index.search(embedding.vector(), neighbours, List.of()));
    }

    private static String extension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
