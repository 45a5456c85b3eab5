package dev.acp.content.index;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.StoredFields;

/**
 * Reads the id and metadata of documents, from the {@link IndexDocuments#ITEM} doc value of
 * format 2 or from the stored fields of format 1, whichever a document has.
 */
final class ItemReader {
    private static final Set<String> STORED = Set.of(IndexDocuments.ID, IndexDocuments.METADATA);

    private final IndexDocuments documents;

    ItemReader(IndexDocuments documents) {
        this.documents = documents;
    }

    /** The items of {@code docs} (ids of {@code reader}, each once, in any order), in that order. */
    IndexDocuments.Hit[] read(IndexReader reader, int[] docs) throws IOException {
        // Doc values are read forwards only: visit the documents in index order, remembering each one's place.
        long[] byDoc = new long[docs.length];
        for (int i = 0; i < docs.length; i++) {
            byDoc[i] = ((long) docs[i] << 32) | i;
        }
        Arrays.sort(byDoc);
        IndexDocuments.Hit[] out = new IndexDocuments.Hit[docs.length];
        List<LeafReaderContext> leaves = reader.leaves();
        LeafReaderContext leaf = null;
        BinaryDocValues items = null;
        StoredFields stored = null;
        for (long key : byDoc) {
            int doc = (int) (key >>> 32);
            int place = (int) key;
            if (leaf == null || doc >= leaf.docBase + leaf.reader().maxDoc()) {
                leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
                items = leaf.reader().getBinaryDocValues(IndexDocuments.ITEM);
            }
            if (items != null && items.advanceExact(doc - leaf.docBase)) {
                out[place] = documents.hit(items.binaryValue());
            } else {
                if (stored == null) {
                    stored = reader.storedFields();
                }
                Document d = stored.document(doc, STORED);
                out[place] = new IndexDocuments.Hit(d.get(IndexDocuments.ID),
                        documents.metadata(d.get(IndexDocuments.METADATA)));
            }
        }
        return out;
    }
}
