package dev.acp.content.process;

import dev.acp.content.embed.MiniLmEmbedder;
import dev.acp.content.embed.TextEmbedder;
import dev.acp.content.faces.FaceDetector;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The models a {@link ContentProcessor} may need, each loaded on first use (a file with no text
 * never loads the 90 MB embedding model, an audio file never loads the face model) and closed
 * with this holder.
 */
public final class ContentModels implements AutoCloseable {
    private final Supplier<? extends TextEmbedder> embedders;
    private final Supplier<FaceDetector> detectors;
    private @Nullable TextEmbedder embedder;
    private @Nullable FaceDetector faces;

    public ContentModels(Supplier<? extends TextEmbedder> embedders, Supplier<FaceDetector> detectors) {
        this.embedders = Objects.requireNonNull(embedders, "embedders");
        this.detectors = Objects.requireNonNull(detectors, "detectors");
    }

    /** MiniLM on every core and BlazeFace on one thread, as the {@code acp content} commands use them. */
    public static ContentModels standard() {
        return new ContentModels(MiniLmEmbedder::load, () -> FaceDetector.load(1));
    }

    synchronized TextEmbedder embedder() {
        if (embedder == null) {
            embedder = embedders.get();
        }
        return embedder;
    }

    synchronized FaceDetector faces() {
        if (faces == null) {
            faces = detectors.get();
        }
        return faces;
    }

    @Override
    public synchronized void close() {
        try {
            if (embedder != null) {
                embedder.close();
            }
        } finally {
            if (faces != null) {
                faces.close();
            }
        }
    }
}
