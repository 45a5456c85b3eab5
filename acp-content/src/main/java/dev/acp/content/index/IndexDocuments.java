package dev.acp.content.index;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.util.BytesRef;

/**
 * How an item is laid out as a Lucene document: its id as a term (for replace and delete), its
 * vector, a term per filterable value under {@code m.<field>}, and what a search returns per hit.
 *
 * <p>Format version 2 keeps what a hit returns, the id and the metadata as JSON, in one binary doc
 * value ({@link #ITEM}): reading it for ten hits is ten direct reads, where version 1's stored
 * fields decompressed a whole block of documents per hit, which cost more than the graph search
 * itself on a 100,000-item index. Version 1 indexes (stored id and metadata, an id doc value) are
 * still read, and items added to one are written its way, so an older ACP can still open it.
 */
final class IndexDocuments {
    static final String ID = "id";
    static final String VECTOR = "vector";
    /** Version 1: the metadata as a stored JSON text. */
    static final String METADATA = "metadata";
    /** Version 2: the id and the metadata of a hit, as {@link #item} lays them out. */
    static final String ITEM = "item";
    private static final String FILTER_PREFIX = "m.";
    /** Numbers are also indexed as points under this prefix, for range filters. */
    static final String NUMBER_PREFIX = "n.";

    private final ObjectMapper json = new ObjectMapper();
    private final ObjectReader metadataReader = json.readerFor(new TypeReference<LinkedHashMap<String, Object>>() {});

    /** {@code item} as a document of an index of format {@code formatVersion}. */
    Document document(IndexedItem item, int formatVersion) {
        Document doc = new Document();
        String metadata;
        try {
            metadata = json.writeValueAsString(item.metadata());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the metadata of item " + item.id() + " is not JSON: " + e.getMessage(),
                    e);
        }
        if (formatVersion == 1) {
            doc.add(new StringField(ID, item.id(), Field.Store.YES));
            doc.add(new SortedDocValuesField(ID, new BytesRef(item.id())));
            doc.add(new StoredField(METADATA, metadata));
        } else {
            doc.add(new StringField(ID, item.id(), Field.Store.NO));
            doc.add(new BinaryDocValuesField(ITEM, item(item.id(), metadata)));
        }
        doc.add(new KnnFloatVectorField(VECTOR, unit(item.vector()), VectorSimilarityFunction.DOT_PRODUCT));
        item.metadata().forEach((field, value) -> addTerms(doc, field, value));
        return doc;
    }

    /** The {@link #ITEM} value: the id's UTF-8 length as a variable-length int, the id, then the metadata JSON. */
    private static BytesRef item(String id, String metadata) {
        byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
        byte[] metaBytes = metadata.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[5 + idBytes.length + metaBytes.length];
        int at = 0;
        int n = idBytes.length;
        while ((n & ~0x7F) != 0) {
            out[at++] = (byte) ((n & 0x7F) | 0x80);
            n >>>= 7;
        }
        out[at++] = (byte) n;
        System.arraycopy(idBytes, 0, out, at, idBytes.length);
        at += idBytes.length;
        System.arraycopy(metaBytes, 0, out, at, metaBytes.length);
        return new BytesRef(out, 0, at + metaBytes.length);
    }

    /** The id and metadata of an {@link #ITEM} value. */
    Hit hit(BytesRef item) {
        byte[] b = item.bytes;
        int at = item.offset;
        int length = 0;
        for (int shift = 0; ; shift += 7) {
            byte x = b[at++];
            length |= (x & 0x7F) << shift;
            if (x >= 0) {
                break;
            }
        }
        String id = new String(b, at, length, StandardCharsets.UTF_8);
        at += length;
        int end = item.offset + item.length;
        return new Hit(id, metadata(b, at, end - at));
    }

    /** What a hit returns of an item. */
    record Hit(String id, Map<String, Object> metadata) {}

    private Map<String, Object> metadata(byte[] b, int offset, int length) {
        // Most benchmark and many real items have none: skip the parser for "{}".
        if (length == 2 && b[offset] == '{' && b[offset + 1] == '}') {
            return Map.of();
        }
        try {
            return metadataReader.readValue(b, offset, length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void addTerms(Document doc, String field, Object value) {
        switch (value) {
            case Collection<?> list -> list.forEach(v -> {
                if (!(v instanceof Collection<?>) && !(v instanceof Map<?, ?>) && v != null) {
                    addTerms(doc, field, v);
                }
            });
            case Map<?, ?> map -> { } // Nested objects are kept, not filtered on.
            default -> {
                doc.add(new StringField(FILTER_PREFIX + field, MetadataFilter.term(String.valueOf(value)),
                        Field.Store.NO));
                number(value).ifPresent(n -> doc.add(new DoublePoint(NUMBER_PREFIX + field, n)));
            }
        }
    }

    /**
     * {@code value} as a number for range filters: a JSON number, or text that reads as one (CSV
     * cells are text), the way exact filters compare numbers.
     */
    static OptionalDouble number(Object value) {
        if (value instanceof Number n) {
            double d = n.doubleValue();
            return Double.isFinite(d) ? OptionalDouble.of(d) : OptionalDouble.empty();
        }
        if (value instanceof String text) {
            try {
                // BigDecimal reads plain and scientific notation only: no "NaN", "Infinity" or hex.
                double d = new BigDecimal(text.strip()).doubleValue();
                return Double.isFinite(d) ? OptionalDouble.of(d) : OptionalDouble.empty();
            } catch (NumberFormatException e) {
                return OptionalDouble.empty();
            }
        }
        return OptionalDouble.empty();
    }

    /** The term a filter matches. */
    static Term filterTerm(MetadataFilter filter) {
        if (filter.field().equals(ID)) {
            return new Term(ID, filter.value());
        }
        return new Term(FILTER_PREFIX + filter.field(), MetadataFilter.term(filter.value()));
    }

    Map<String, Object> metadata(String stored) {
        try {
            return metadataReader.readValue(stored);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code v} scaled to length 1. The index compares by dot product, which is the cosine only for
     * unit vectors; embedders return those, and vectors made elsewhere are scaled here rather than
     * silently ranked by length.
     */
    static float[] unit(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        if (sum == 0) {
            throw new IllegalArgumentException("a vector of zeros has no direction to compare");
        }
        if (Math.abs(sum - 1) < 1e-4) {
            return v;
        }
        float scale = (float) (1 / Math.sqrt(sum));
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * scale;
        }
        return out;
    }
}
