package dev.acp.content.songs;

import dev.acp.content.quality.LoudnessSummary;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.error.UsageException;
import dev.acp.local.media.Ffmpeg;
import dev.acp.local.media.MediaInfo;
import dev.acp.local.media.MediaProbe;
import dev.acp.local.process.CommandResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Measures a song file's {@link AudioFeatures} with one ffmpeg run after a probe: ffmpeg's
 * {@code ebur128} filter gives the integrated loudness of the whole file, and the same decode
 * writes the first {@value #MAX_ANALYSED_SECONDS} seconds as mono 32-bit float PCM at
 * {@value #SAMPLE_RATE} Hz to a temporary file, from which {@link SignalAnalysis} computes the tempo
 * and the spectral shape in Java. Thread-safe (ffmpeg limits how many of its processes run at once).
 */
public final class AudioAnalyser {
    /** Enough for the spectrum up to 11 kHz and for onset timing to 12 ms. */
    public static final int SAMPLE_RATE = 22_050;
    /** A song's tempo and timbre are clear well before this; the PCM of longer files is not held. */
    public static final int MAX_ANALYSED_SECONDS = 300;

    private final Ffmpeg ffmpeg;
    private final MediaProbe probe;
    private final Path temporaryFolder;

    /**
     * @param temporaryFolder where the decoded samples are written while a file is analysed (each
     *     analysis deletes its own)
     */
    public AudioAnalyser(Ffmpeg ffmpeg, Path temporaryFolder) {
        this.ffmpeg = Objects.requireNonNull(ffmpeg, "ffmpeg");
        this.probe = new MediaProbe(ffmpeg);
        this.temporaryFolder = Objects.requireNonNull(temporaryFolder, "temporaryFolder");
    }

    /**
     * @throws UsageException when the file has no audio stream
     * @throws ProviderException when the file is missing ({@link ErrorKind#VALIDATION}) or ffmpeg
     *     cannot decode it ({@link ErrorKind#LOCAL}); the message names the file
     */
    public AudioFeatures analyse(Path file) throws InterruptedException {
        MediaInfo info = probe.probe(file);
        if (info.audio().isEmpty()) {
            throw new UsageException(file + " has no audio stream; give an audio file (or a video with sound)");
        }
        Path pcm;
        try {
            pcm = Files.createTempFile(temporaryFolder, "acp-audio-", ".f32");
        } catch (IOException e) {
            throw new ProviderException(ErrorKind.LOCAL, "could not create a temporary file in " + temporaryFolder
                    + " (" + e.getMessage() + "); check that the folder exists and has free space", e);
        }
        try {
            CommandResult result = ffmpeg.run("measuring the audio of " + file.getFileName(), List.of(
                    "-nostats", "-i", file.toAbsolutePath().toString(),
                    "-filter_complex", "[0:a:0]asplit=2[loud][pcm];[loud]" + LoudnessSummary.filter(false)
                            + "[measured]",
                    "-map", "[measured]", "-f", "null", "-",
                    "-map", "[pcm]", "-ac", "1", "-ar", Integer.toString(SAMPLE_RATE),
                    "-t", Integer.toString(MAX_ANALYSED_SECONDS), "-f", "f32le", pcm.toString()));
            double loudness = integratedLoudness(result.stderr(), file);
            float[] samples = readSamples(pcm);
            SignalAnalysis.Result signal = SignalAnalysis.analyse(samples, SAMPLE_RATE);
            double analysed = (double) samples.length / SAMPLE_RATE;
            double duration = info.duration().orElse(analysed);
            return new AudioFeatures(duration, loudness, signal.tempoBpm(), signal.tempoConfidence(),
                    signal.centroidHz(), signal.rolloffHz(), signal.flatness(), analysed);
        } finally {
            try {
                Files.deleteIfExists(pcm);
            } catch (IOException e) {
                // A leftover temporary file is not worth failing the analysis for.
            }
        }
    }

    /** The integrated loudness of ebur128's summary, at least -70 (its gate: what silence reads). */
    static double integratedLoudness(String stderr, Path file) {
        double lufs = LoudnessSummary.parse(stderr).map(LoudnessSummary::integratedLufs)
                .filter(v -> !Double.isNaN(v)).orElseThrow(() ->
                new ProviderException(ErrorKind.LOCAL, "ffmpeg gave no loudness for " + file
                        + "; check that ffmpeg has the ebur128 filter (set ACP_FFMPEG to a full build)"));
        return Math.max(-70.0, lufs);
    }

    private static float[] readSamples(Path pcm) {
        try {
            ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(pcm)).order(ByteOrder.LITTLE_ENDIAN);
            float[] samples = new float[bytes.remaining() / Float.BYTES];
            bytes.asFloatBuffer().get(samples);
            return samples;
        } catch (IOException e) {
            throw new ProviderException(ErrorKind.LOCAL, "could not read the decoded samples in " + pcm + " ("
                    + e.getMessage() + ")", e);
        }
    }
}
