package dev.acp.local.speech;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.local.process.CommandResult;
import dev.acp.local.process.ExternalCommand;
import dev.acp.provider.StepContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;
import org.jspecify.annotations.Nullable;

/**
 * Speech with the {@code espeak-ng} program. Sentences are spoken in batches of up to {@value
 * #BATCH_CHARS} characters, one process per batch writing a WAV in the step's scratch folder that
 * is then appended to the output, so a long text neither fills memory nor delays cancellation by
 * more than one batch. Interrupting the thread kills the running espeak-ng.
 *
 * <p>Rate maps to {@code -s} (words per minute, normal 175) and pitch to {@code -p} (0..99,
 * normal 50). A requested voice is passed to {@code -v} only when it looks like an espeak-ng voice
 * id ({@code en}, {@code en-us}, {@code en+f3}); names of cloud voices such as "Rachel" are ignored.
 */
public final class EspeakEngine implements SpeechEngine {
    static final int BATCH_CHARS = 1500;
    private static final int NORMAL_WPM = 175;
    private static final int NORMAL_PITCH = 50;
    private static final String DEFAULT_VOICE = "en";
    private static final Pattern ESPEAK_VOICE = Pattern.compile("[a-z]{2,3}(-[a-z0-9]{2,8})*(\\+[a-z0-9]+)?");

    private final Path executable;

    /** An engine running the {@code espeak-ng} at {@code executable}. */
    public EspeakEngine(Path executable) {
        this.executable = Objects.requireNonNull(executable, "executable");
    }

    public Path executable() {
        return executable;
    }

    @Override
    public String name() {
        return "espeak-ng";
    }

    @Override
    public SpeechResult synthesize(
            List<String> sentences, Prosody prosody, @Nullable String requestedVoice, Path wav, StepContext context)
            throws ProviderException, InterruptedException {
        String voice = DEFAULT_VOICE;
        String note = null;
        if (requestedVoice != null && !requestedVoice.isBlank()) {
            if (ESPEAK_VOICE.matcher(requestedVoice.strip()).matches()) {
                voice = requestedVoice.strip();
            } else {
                note = "voice '" + requestedVoice.strip() + "' is not an espeak-ng voice (it names a voice of a"
                        + " cloud provider such as ElevenLabs); espeak-ng spoke with '" + DEFAULT_VOICE + "'";
            }
        }
        List<String> batches = batches(sentences);
        int wpm = (int) Math.round(NORMAL_WPM * prosody.speed());
        int pitch = (int) Math.max(0, Math.min(99, Math.round(NORMAL_PITCH * prosody.pitch())));
        Path scratch = context.scratchDirectory();
        try (WavWriter writer = new WavWriter(wav)) {
            Files.createDirectories(scratch);
            for (int i = 0; i < batches.size(); i++) {
                context.checkCancelled();
                Path text = scratch.resolve("espeak-" + i + ".txt");
                Path part = scratch.resolve("espeak-" + i + ".wav");
                Files.writeString(text, batches.get(i), StandardCharsets.UTF_8);
                List<String> command = List.of(executable.toString(), "-b", "1", "-v", voice, "-s", Integer.toString(wpm),
                        "-p", Integer.toString(pitch), "-w", part.toString(), "-f", text.toString());
                CommandResult result = ExternalCommand.run(command, line -> {});
                if (!result.succeeded() || !Files.isRegularFile(part)) {
                    throw new ProviderException(ErrorKind.LOCAL, "espeak-ng failed (exit " + result.exitCode() + "): "
                            + result.stderrTail(3) + "; check the voice name or remove espeak-ng from PATH to use FreeTTS");
                }
                append(part, writer);
                Files.deleteIfExists(part);
                Files.deleteIfExists(text);
                context.progress((i + 1.0) / batches.size(), "speaking part " + (i + 1) + " of " + batches.size());
            }
            if (!writer.started()) {
                writer.start(22050);
            }
            if (writer.samples() == 0) {
                writer.writeSilence(0.25); // nothing was pronounceable; keep the file playable
            }
            LevelMeter levels = writer.levels();
            return new SpeechResult(name(), voice, note, writer.sampleRate(), writer.samples(), sentences.size(),
                    levels.nonSilentShare(), levels.clippedShare());
        } catch (IOException e) {
            throw new ProviderException(ErrorKind.LOCAL, "could not run espeak-ng at " + executable + " or write "
                    + wav + ": " + e.getMessage() + "; check the installation and free disk space", e);
        }
    }

    static List<String> batches(List<String> sentences) {
        List<String> batches = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String sentence : sentences) {
            if (!current.isEmpty() && current.length() + sentence.length() + 1 > BATCH_CHARS) {
                batches.add(current.toString());
                current.setLength(0);
            }
            if (!current.isEmpty()) {
                current.append('\n');
            }
            current.append(sentence);
        }
        if (!current.isEmpty()) {
            batches.add(current.toString());
        }
        return batches;
    }

    /** Appends the PCM of a 16-bit mono WAV written by espeak-ng. */
    private static void append(Path part, WavWriter writer) throws IOException, ProviderException {
        try (AudioInputStream audio = AudioSystem.getAudioInputStream(part.toFile())) {
            AudioFormat format = audio.getFormat();
            if (format.getSampleSizeInBits() != 16 || format.getChannels() != 1
                    || format.getEncoding() != AudioFormat.Encoding.PCM_SIGNED) {
                throw new ProviderException(ErrorKind.LOCAL, "espeak-ng wrote unexpected audio (" + format
                        + "); install a standard espeak-ng build");
            }
            writer.start(Math.round(format.getSampleRate()));
            copySamples(audio, format.isBigEndian(), writer);
        } catch (UnsupportedAudioFileException e) {
            throw new ProviderException(ErrorKind.LOCAL, "espeak-ng wrote a file that is not a WAV (" + e.getMessage()
                    + "); install a standard espeak-ng build", e);
        }
    }

    private static void copySamples(InputStream in, boolean bigEndian, WavWriter writer) throws IOException {
        byte[] buffer = new byte[1 << 15];
        short[] samples = new short[buffer.length / 2];
        int carry = -1;
        int read;
        while ((read = in.read(buffer)) > 0) {
            int count = 0;
            int i = 0;
            if (carry >= 0) {
                samples[count++] = toSample(carry, buffer[0], bigEndian);
                i = 1;
                carry = -1;
            }
            for (; i + 1 < read; i += 2) {
                samples[count++] = toSample(buffer[i], buffer[i + 1], bigEndian);
            }
            if (i < read) {
                carry = buffer[i] & 0xFF;
            }
            writer.write(samples, 0, count);
        }
    }

    private static short toSample(int first, int second, boolean bigEndian) {
        int hi = bigEndian ? first : second;
        int lo = (bigEndian ? second : first) & 0xFF;
        return (short) ((hi << 8) | lo);
    }
}
