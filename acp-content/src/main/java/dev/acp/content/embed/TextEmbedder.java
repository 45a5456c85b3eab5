package dev.acp.content.embed;

import java.util.List;

/**
 * Turns texts into unit-length vectors of {@link #dimensions()} floats, so that the dot product of
 * two vectors is their cosine similarity. The vector index and clustering depend on this interface
 * only, so they can be tested with vectors made by hand.
 */
public interface TextEmbedder extends AutoCloseable {

    /** The model's name and version, stored with every index so a different model is refused. */
    String modelId();

    /** The length of every vector. */
    int dimensions();

    /** One vector per text, in the order given; each has length {@link #dimensions()} and norm 1. */
    List<float[]> embed(List<String> texts);

    @Override
    void close();
}
