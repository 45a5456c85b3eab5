package dev.acp.content.index;

import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;

/**
 * Lucene's default codec with the vector field's HNSW graph built with M 16 and a beam width of 200
 * (Lucene's defaults are 16 and 100): the wider beam at construction buys recall at a given search
 * effort, which is what queries pay for, at the cost of a slower build. Only writing needs it:
 * the graph's format name is recorded per field, so any reader opens the index with the default codec.
 */
final class IndexCodec extends Lucene104Codec {
    /** Neighbours per node (HNSW's M). */
    static final int MAX_CONN = 16;
    /** Candidates kept while linking a new node (HNSW's efConstruction). */
    static final int BEAM_WIDTH = 200;

    private final KnnVectorsFormat vectors = new Lucene99HnswVectorsFormat(MAX_CONN, BEAM_WIDTH);

    @Override
    public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
        return vectors;
    }
}
