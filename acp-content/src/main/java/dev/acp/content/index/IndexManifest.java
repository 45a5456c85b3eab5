package dev.acp.content.index;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.acp.error.UsageException;
import dev.acp.util.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * What an index folder holds, in {@code manifest.json}: the format version, the embedding model
 * and its dimensions (vectors of another model are meaningless to compare against), the number of
 * items, the fields whose text was embedded, and when it was made and last changed. An index is
 * complete only once its manifest exists: the manifest is written last.
 *
 * @param formatVersion the layout of the folder ({@link IndexDocuments}); one this code does not know is
 *     refused, not guessed at
 * @param modelId the embedding model's id ({@link dev.acp.content.embed.TextEmbedder#modelId()})
 * @param dimensions the length of every vector
 * @param itemCount the number of items after the last change
 * @param embeddedFields the fields whose text was embedded, in order; empty when every text field
 *     of each item was (the default), so that {@code index add} embeds new items the same way
 * @param createdAt when the index was built
 * @param updatedAt when it last changed
 */
public record IndexManifest(int formatVersion, String modelId, int dimensions, long itemCount,
        List<String> embeddedFields, Instant createdAt, Instant updatedAt) {

    /** The name of the manifest file in an index folder. */
    public static final String FILE = "manifest.json";
    /**
     * The version this code writes for new indexes: 2 keeps each hit's id and metadata in a doc value
     * (fast to read per hit). It also reads and changes version 1 (stored fields) in version 1's way.
     */
    public static final int FORMAT_VERSION = 2;
    /** The oldest version this code reads. */
    static final int OLDEST_READABLE = 1;
    /** Written in the file so that a stray manifest.json of something else is not taken for an index's. */
    static final String FORMAT = "acp-vector-index";

    public IndexManifest {
        embeddedFields = List.copyOf(embeddedFields);
        if (dimensions <= 0) {
            throw new IllegalArgumentException("dimensions must be positive: " + dimensions);
        }
    }

    /** The manifest of a new index of {@code modelId}'s vectors, made at {@code now}, with no items yet. */
    public static IndexManifest create(String modelId, int dimensions, List<String> embeddedFields, Instant now) {
        return new IndexManifest(FORMAT_VERSION, modelId, dimensions, 0, embeddedFields, now, now);
    }

    IndexManifest withItems(long count, Instant now) {
        return new IndexManifest(formatVersion, modelId, dimensions, count, embeddedFields, createdAt, now);
    }

    /**
     * Refuses an index made by another embedding model than {@code modelId}: its vectors and the
     * query's would not be comparable.
     *
     * @throws UsageException naming both models and how to rebuild
     */
    public void requireModel(Path folder, String modelId, int dimensions) {
        if (!this.modelId.equals(modelId) || this.dimensions != dimensions) {
            throw new UsageException("the index " + folder + " was built with the model " + this.modelId + " ("
                    + this.dimensions + " dimensions), not " + modelId + " (" + dimensions + "): build it again"
                    + " with 'acp content index build --index " + folder + " --input ITEMS'");
        }
    }

    /**
     * Reads the manifest of the index in {@code folder}.
     *
     * @throws UsageException when there is no index there, or one this version cannot read
     */
    public static IndexManifest read(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new UsageException("no index at " + folder + ": build one with 'acp content index build --index "
                    + folder + " --input ITEMS'");
        }
        Path file = folder.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new UsageException(folder + " is not a complete ACP index (it has no " + FILE + "): build one"
                    + " there with 'acp content index build --index " + folder + " --input ITEMS'");
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new UsageException(file + " is not valid JSON: build the index again with 'acp content index"
                    + " build --index " + folder + " --input ITEMS'");
        } catch (IOException e) {
            throw new UsageException("cannot read " + file + ": " + e.getMessage());
        }
        if (root == null || !FORMAT.equals(root.path("format").asText())) {
            throw new UsageException(file + " is not the manifest of an ACP index: name another folder with"
                    + " --index, or build an index there with 'acp content index build'");
        }
        int version = root.path("format_version").asInt(-1);
        if (version < OLDEST_READABLE || version > FORMAT_VERSION) {
            throw new UsageException("the index " + folder + " has format version " + version + " and this ACP"
                    + " reads versions " + OLDEST_READABLE + " to " + FORMAT_VERSION + ": build it again with 'acp"
                    + " content index build --index " + folder + " --input ITEMS'" + (version > FORMAT_VERSION
                    ? ", or use the newer ACP that built it" : ""));
        }
        try {
            List<String> fields = new ArrayList<>();
            root.path("embedded_fields").forEach(f -> fields.add(f.asText()));
            return new IndexManifest(version, root.required("model_id").asText(),
                    root.required("dimensions").asInt(), root.required("item_count").asLong(), fields,
                    Instant.parse(root.required("created_at").asText()),
                    Instant.parse(root.required("updated_at").asText()));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new UsageException(file + " is incomplete or damaged (" + e.getMessage() + "): build the index"
                    + " again with 'acp content index build --index " + folder + " --input ITEMS'");
        }
    }

    /** Writes this manifest into {@code folder} through a temporary file, so a reader never sees half of it. */
    void write(Path folder) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("format", FORMAT);
        root.put("format_version", formatVersion);
        root.put("model_id", modelId);
        root.put("dimensions", dimensions);
        root.put("similarity", "dot_product");
        root.put("item_count", itemCount);
        ArrayNode fields = root.putArray("embedded_fields");
        embeddedFields.forEach(fields::add);
        ObjectNode hnsw = root.putObject("hnsw");
        hnsw.put("m", IndexCodec.MAX_CONN);
        hnsw.put("beam_width", IndexCodec.BEAM_WIDTH);
        root.put("lucene_version", org.apache.lucene.util.Version.LATEST.toString());
        root.put("created_at", createdAt.toString());
        root.put("updated_at", updatedAt.toString());
        Path tmp = folder.resolve(FILE + ".tmp");
        Files.writeString(tmp, json.writeValueAsString(root) + "\n", StandardCharsets.UTF_8);
        AtomicFiles.sync(tmp);
        AtomicFiles.replace(tmp, folder.resolve(FILE));
        AtomicFiles.sync(folder.resolve(FILE));
    }
}
