package dev.acp.local;

import dev.acp.env.Environment;
import dev.acp.local.fonts.BundledFonts;
import dev.acp.local.image.ImageFiles;
import dev.acp.local.image.PreviewRenderer;
import dev.acp.local.media.Ffmpeg;
import dev.acp.local.process.Executables;
import dev.acp.local.speech.EspeakEngine;
import dev.acp.local.speech.FreeTtsEngine;
import dev.acp.local.speech.SpeechEngine;
import dev.acp.local.video.KenBurns;
import java.nio.file.Path;

/**
 * The engines one {@link LocalProvider} shares between its handlers. Everything that touches the
 * outside world is derived from the injected environment and state folder.
 */
record LocalServices(
        Environment environment,
        Path acpHome,
        Ffmpeg ffmpeg,
        BundledFonts fonts,
        PreviewRenderer renderer,
        ImageFiles images,
        KenBurns kenBurns,
        FreeTtsEngine freeTts) {

    /** FreeTTS voices kept at most; each synthesis holds one for its duration. */
    static final int FREETTS_VOICES = 2;

    static LocalServices create(Environment environment, Path acpHome) {
        Ffmpeg ffmpeg = Ffmpeg.locate(environment, acpHome);
        BundledFonts fonts = new BundledFonts(acpHome.resolve("tools").resolve("fonts"));
        return new LocalServices(
                environment, acpHome, ffmpeg, fonts, new PreviewRenderer(fonts), new ImageFiles(ffmpeg),
                new KenBurns(ffmpeg), new FreeTtsEngine(FREETTS_VOICES));
    }

    /** espeak-ng when it is on the environment's PATH, else FreeTTS. */
    SpeechEngine speechEngine() {
        return Executables.findOnPath(environment, "espeak-ng")
                .<SpeechEngine>map(EspeakEngine::new)
                .orElse(freeTts);
    }
}
