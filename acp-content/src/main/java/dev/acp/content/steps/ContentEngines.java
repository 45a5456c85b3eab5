package dev.acp.content.steps;

import dev.acp.content.embed.MiniLmEmbedder;
import dev.acp.content.faces.FaceDetector;
import dev.acp.error.ProviderException;
import dev.acp.local.fonts.BundledFonts;
import dev.acp.local.media.Ffmpeg;
import dev.acp.provider.ProviderContext;
import java.nio.file.Path;
import java.time.Clock;
import org.jspecify.annotations.Nullable;

/**
 * The engines the content steps share within one provider: ffmpeg, and the two models, each
 * loaded on first use (the embedding model takes most of a second and 90 MB, so a pipeline
 * without text steps never pays for it) and then used by every step at once.
 */
final class ContentEngines {
    private final ProviderContext context;
    private final Ffmpeg ffmpeg;
    private @Nullable MiniLmEmbedder embedder;
    private @Nullable FaceDetector faces;

    ContentEngines(ProviderContext context) {
        this.context = context;
        this.ffmpeg = Ffmpeg.locate(context.environment(), context.acpHome());
    }

    Ffmpeg ffmpeg() {
        return ffmpeg;
    }

    Clock clock() {
        return context.clock();
    }

    BundledFonts fonts() {
        return new BundledFonts(context.acpHome().resolve("tools").resolve("fonts"));
    }

    Path acpHome() {
        return context.acpHome();
    }

    synchronized MiniLmEmbedder embedder() {
        if (embedder == null) {
            embedder = MiniLmEmbedder.load();
        }
        return embedder;
    }

    synchronized FaceDetector faces() throws ProviderException {
        if (faces == null) {
            faces = FaceDetector.load(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
        }
        return faces;
    }
}
