package dev.acp.content.items;

import dev.acp.content.embed.TextEmbedder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A test embedder: words hashed into 64 buckets, so texts sharing words are near. Counts its calls. */
final class WordHashEmbedder implements TextEmbedder {
    int calls;
    int failAfterCalls = Integer.MAX_VALUE;
    private final String modelId;

    WordHashEmbedder() {
        this("word-hash-64");
    }

    WordHashEmbedder(String modelId) {
        this.modelId = modelId;
    }

    @Override
    public String modelId() {
        return modelId;
    }

    @Override
    public int dimensions() {
        return 64;
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        if (++calls > failAfterCalls) {
            throw new IllegalStateException("the embedder failed");
        }
        List<float[]> out = new ArrayList<>();
        for (String t : texts) {
            float[] v = new float[64];
            v[0] = 0.01f;
            for (String w : t.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
                if (!w.isEmpty()) {
                    v[Math.floorMod(w.hashCode(), 64)] += 1;
                }
            }
            double n = 0;
            for (float x : v) {
                n += x * x;
            }
            for (int i = 0; i < v.length; i++) {
                v[i] /= (float) Math.sqrt(n);
            }
            out.add(v);
        }
        return out;
    }

    @Override
    public void close() {}
}
