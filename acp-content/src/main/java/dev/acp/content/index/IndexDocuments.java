package dev.acp.content.index;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
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
 * How an item is laid out as a Lucene document: its id (a stored term for replace and delete, and
 * a doc value so that a search that needs only ids reads no stored block), its vector, its metadata
 * as one stored JSON text, and a term per filterable value under {@code m.<field>}.
 */
final class IndexDocuments {
    static final String ID = "id";
    static final String VECTOR = "vector";
    static final String METADATA = "metadata";
    private static final String FILTER_PREFIX = "m.";
    /** Numbers are also indexed as points under this prefix, for range filters. */
    static final String NUMBER_PREFIX = "n.";

    private final ObjectMapper json = new ObjectMapper();

    Document document(IndexedItem item) {
        Document doc = new Document();
        doc.add(new StringField(ID, item.id(), Field.Store.YES));
        doc.add(new SortedDocValuesField(ID, new BytesRef(item.id())));
        doc.add(new KnnFloatVectorField(VECTOR, unit(item.vector()), VectorSimilarityFunction.DOT_PRODUCT));
        try {
            doc.add(new StoredField(METADATA, json.writeValueAsString(item.metadata())));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the metadata of item " + item.id() + " is not JSON: " + e.getMessage(),
                    e);
        }
        item.metadata().forEach((field, value) -> addTerms(doc, field, value));
        return doc;
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
            return json.readValue(stored, new TypeReference<LinkedHashMap<String, Object>>() {});
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
