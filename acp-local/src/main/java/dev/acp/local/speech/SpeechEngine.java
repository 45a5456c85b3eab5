package dev.acp.local.speech;

import dev.acp.error.ProviderException;
import dev.acp.provider.StepContext;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** An offline speech synthesiser writing mono 16-bit WAV. Implementations are thread-safe. */
public sealed interface SpeechEngine permits FreeTtsEngine, EspeakEngine {

    /** {@code freetts} or {@code espeak-ng}, as reported in metadata. */
    String name();

    /**
     * Speaks {@code sentences} into {@code wav}, checking for cancellation and reporting progress
     * between sentences.
     *
     * @param requestedVoice the step's {@code voice}, used when it names a voice of this engine
     *     and otherwise ignored (the result's {@code voiceNote} says so)
     */
    SpeechResult synthesize(
            List<String> sentences, Prosody prosody, @Nullable String requestedVoice, Path wav, StepContext context)
            throws ProviderException, InterruptedException;
}
