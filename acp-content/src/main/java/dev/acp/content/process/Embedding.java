package dev.acp.content.process;

import java.util.Objects;

/**
 * A file's text embedded.
 *
 * @param model the embedder's model id (as an index records it)
 * @param vector unit length; the dot product with another of the same model is their cosine similarity
 */
public record Embedding(String model, float[] vector) {
    public Embedding {
        Objects.requireNonNull(model, "model");
        vector = vector.clone();
    }

    @Override
    public float[] vector() {
        return vector.clone();
    }
}
