/**
 * Offline speech synthesis.
 *
 * <p>{@link dev.acp.local.speech.SpeechEngine} has two implementations: {@link
 * dev.acp.local.speech.EspeakEngine} runs the {@code espeak-ng} program when it is on the
 * {@code PATH}, and {@link dev.acp.local.speech.FreeTtsEngine} speaks with FreeTTS's {@code kevin16}
 * voice in-process, pure Java, with no sound device. Both speak a text sentence by sentence
 * (see {@link dev.acp.local.speech.Sentences}), streaming 16-bit PCM to a WAV file through {@link
 * dev.acp.local.speech.WavWriter}, so memory stays bounded for long texts and cancellation is
 * honoured between sentences. While writing, a {@link dev.acp.local.speech.LevelMeter} measures
 * how much of the audio is sound and how much is clipped, for the quality score.
 */
@org.jspecify.annotations.NullMarked
package dev.acp.local.speech;
