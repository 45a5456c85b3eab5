package dev.acp.local.speech;

import com.sun.speech.freetts.Voice;
import com.sun.speech.freetts.audio.AudioPlayer;
import com.sun.speech.freetts.en.us.cmu_us_kal.KevinVoiceDirectory;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.provider.StepContext;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import javax.sound.sampled.AudioFormat;
import org.jspecify.annotations.Nullable;

/**
 * Speech with FreeTTS's {@code kevin16} voice (16 kHz, US English), in-process and without a sound
 * device: audio is captured from the voice's {@link AudioPlayer} and streamed to a WAV file.
 *
 * <p>The voice directory is instantiated directly rather than through the global {@code
 * freetts.voices} system property. A FreeTTS voice is not thread-safe, so voices live in a small
 * pool: each synthesis borrows one for its whole duration, and at most {@code maxVoices} exist
 * (each costs some memory and about half a second to load, paid on first use).
 */
public final class FreeTtsEngine implements SpeechEngine {
    /** The only voice FreeTTS ships with a usable quality. */
    public static final String VOICE = "kevin16";

    private static final float NORMAL_RATE_WPM = 150;
    private static final float NORMAL_PITCH_HZ = 100;
    private static final double SENTENCE_PAUSE_SECONDS = 0.12;
    /** Held while FreeTTS loads a voice: its loading shares state across the JVM (see {@link #borrow}). */
    private static final java.util.concurrent.locks.ReentrantLock LOADING = new java.util.concurrent.locks.ReentrantLock();

    private final Semaphore permits;
    private final ConcurrentLinkedQueue<Voice> idle = new ConcurrentLinkedQueue<>();

    /** An engine that keeps at most {@code maxVoices} voices (and so runs as many syntheses at once). */
    public FreeTtsEngine(int maxVoices) {
        if (maxVoices < 1) {
            throw new IllegalArgumentException("maxVoices must be at least 1");
        }
        this.permits = new Semaphore(maxVoices, true);
    }

    @Override
    public String name() {
        return "freetts";
    }

    @Override
    public SpeechResult synthesize(
            List<String> sentences, Prosody prosody, @Nullable String requestedVoice, Path wav, StepContext context)
            throws ProviderException, InterruptedException {
        String note = voiceNote(requestedVoice);
        permits.acquire();
        Voice voice = null;
        try (WavWriter writer = new WavWriter(wav)) {
            voice = borrow();
            voice.setRate((float) (NORMAL_RATE_WPM * prosody.speed()));
            voice.setPitch((float) (NORMAL_PITCH_HZ * prosody.pitch()));
            Capture capture = new Capture(writer);
            voice.setAudioPlayer(capture);
            for (int i = 0; i < sentences.size(); i++) {
                context.checkCancelled();
                boolean spoken = voice.speak(sentences.get(i));
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException("speech cancelled");
                }
                capture.rethrow();
                if (!spoken) {
                    throw new ProviderException(ErrorKind.LOCAL, "FreeTTS could not speak sentence " + (i + 1)
                            + " (\"" + abbreviate(sentences.get(i)) + "\"); simplify or remove unusual characters");
                }
                if (writer.started() && i < sentences.size() - 1) {
                    writer.writeSilence(SENTENCE_PAUSE_SECONDS);
                }
                context.progress((i + 1.0) / sentences.size(), "speaking sentence " + (i + 1) + " of " + sentences.size());
            }
            if (!writer.started()) {
                writer.start(16000);
            }
            if (writer.samples() == 0) {
                // Nothing was pronounceable ("..."): a short silence keeps the file playable and
                // convertible, and its quality score of 0 says what happened.
                writer.writeSilence(0.25);
            }
            LevelMeter levels = writer.levels();
            return new SpeechResult(name(), VOICE, note, writer.sampleRate(), writer.samples(), sentences.size(),
                    levels.nonSilentShare(), levels.clippedShare());
        } catch (IOException e) {
            throw new ProviderException(ErrorKind.LOCAL, "could not write speech to " + wav + ": " + e.getMessage()
                    + "; check free disk space", e);
        } finally {
            if (voice != null) {
                voice.setAudioPlayer(new Capture(null));
                idle.add(voice);
            }
            permits.release();
        }
    }

    private static @Nullable String voiceNote(@Nullable String requested) {
        if (requested == null || requested.isBlank()) {
            return null;
        }
        String r = requested.strip().toLowerCase(Locale.ROOT);
        if (r.equals("kevin16") || r.equals("kevin")) {
            return null;
        }
        return "voice '" + requested.strip() + "' is not available offline (it names a voice of a cloud"
                + " provider such as ElevenLabs); FreeTTS spoke with " + VOICE;
    }

    private Voice borrow() throws ProviderException {
        Voice voice = idle.poll();
        if (voice != null) {
            return voice;
        }
        // FreeTTS loads a voice's lexicon and units into shared state of its own: two voices
        // loaded at once (two speech steps of a parallel group) failed now and then with an
        // IndexOutOfBoundsException inside it (SeedExamplesIT, parallel_voices). Loading is
        // serialised across the JVM, since that state is FreeTTS's, not this engine's; speaking
        // with loaded voices still runs in parallel.
        LOADING.lock();
        try {
            for (Voice candidate : new KevinVoiceDirectory().getVoices()) {
                if (VOICE.equals(candidate.getName())) {
                    candidate.setAudioPlayer(new Capture(null));
                    candidate.allocate();
                    return candidate;
                }
            }
        } catch (RuntimeException e) {
            throw new ProviderException(ErrorKind.LOCAL, "FreeTTS could not load the " + VOICE + " voice ("
                    + e + "); check that the freetts jar is complete, or install espeak-ng", e);
        } finally {
            LOADING.unlock();
        }
        throw new ProviderException(ErrorKind.LOCAL, "FreeTTS has no " + VOICE
                + " voice; check that the freetts jar is complete, or install espeak-ng");
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 39) + "…";
    }

    /**
     * Receives FreeTTS's audio (16-bit signed, big-endian as FreeTTS produces it) and streams it
     * little-endian to the WAV. Refuses to accept audio once the thread is interrupted, which
     * makes FreeTTS abandon the utterance promptly.
     */
    private static final class Capture implements AudioPlayer {
        private final @Nullable WavWriter writer;
        private AudioFormat format = new AudioFormat(16000, 16, 1, true, true);
        private @Nullable IOException failure;

        Capture(@Nullable WavWriter writer) {
            this.writer = writer;
        }

        void rethrow() throws IOException {
            if (failure != null) {
                throw failure;
            }
        }

        @Override
        public void setAudioFormat(AudioFormat format) {
            this.format = format;
        }

        @Override
        public AudioFormat getAudioFormat() {
            return format;
        }

        @Override
        public boolean write(byte[] audio) {
            return write(audio, 0, audio.length);
        }

        @Override
        public boolean write(byte[] audio, int offset, int length) {
            if (writer == null || failure != null || Thread.currentThread().isInterrupted()) {
                return false;
            }
            if (format.getSampleSizeInBits() != 16 || format.getChannels() != 1) {
                failure = new IOException("FreeTTS produced unexpected audio: " + format);
                return false;
            }
            try {
                writer.start(Math.round(format.getSampleRate()));
                boolean bigEndian = format.isBigEndian();
                short[] samples = new short[length / 2];
                for (int i = 0; i < samples.length; i++) {
                    int hi = audio[offset + 2 * i + (bigEndian ? 0 : 1)];
                    int lo = audio[offset + 2 * i + (bigEndian ? 1 : 0)] & 0xFF;
                    samples[i] = (short) ((hi << 8) | lo);
                }
                writer.write(samples, 0, samples.length);
                return true;
            } catch (IOException e) {
                failure = e;
                return false;
            }
        }

        @Override
        public void begin(int size) {}

        @Override
        public boolean end() {
            return true;
        }

        @Override
        public boolean drain() {
            return true;
        }

        @Override
        public void pause() {}

        @Override
        public void resume() {}

        @Override
        public void reset() {}

        @Override
        public void cancel() {}

        @Override
        public void close() {}

        @Override
        public float getVolume() {
            return 1;
        }

        @Override
        public void setVolume(float volume) {}

        @Override
        public long getTime() {
            return 0;
        }

        @Override
        public void resetTime() {}

        @Override
        public void startFirstSampleTimer() {}

        @Override
        public void showMetrics() {}
    }

    @Override
    public String toString() {
        return "FreeTtsEngine[" + VOICE + "]";
    }
}
