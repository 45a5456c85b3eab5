package dev.acp.content.quality;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.local.media.Ffmpeg;
import dev.acp.local.process.CommandResult;
import dev.acp.local.quality.QualityScores;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Measures an audio stream in one ffmpeg pass, one filter chain that passes the audio through:
 * {@code aformat=s16} (so over-range float samples clip, as they would on playback), {@code ebur128}
 * (integrated loudness, loudness range, sample and true peak), {@code silencedetect} (at
 * acp-local's silence level), then {@code aeval} turning every sample into 1 when it is at full
 * scale and 0 otherwise, and {@code astats}, whose DC offset of that signal is the clipped share.
 */
final class AudioMeter {
    /** Silences shorter than this are pauses, not silence. */
    static final double MIN_SILENCE_SECONDS = 0.5;
    /** 32767/32768 and -1 both exceed it; nothing below full scale does. */
    private static final double FULL_SCALE = 0.99996;

    private static final Pattern CLIPPED = Pattern.compile("Parsed_astats_\\d+ @ [^]]*] DC offset: (\\S+)");
    private static final Pattern SILENCE = Pattern.compile("silence_duration: (\\S+)");

    private final Ffmpeg ffmpeg;

    AudioMeter(Ffmpeg ffmpeg) {
        this.ffmpeg = Objects.requireNonNull(ffmpeg, "ffmpeg");
    }

    /** Measures the first audio stream of {@code file}, whose duration the caller probed. */
    AudioMeasurement measure(Path file, double durationSeconds) throws ProviderException, InterruptedException {
        CommandResult result = ffmpeg.run("measuring the audio of " + file,
                List.of("-i", file.toAbsolutePath().toString(), "-map", "0:a:0", "-af", filterChain(), "-f", "null", "-"));
        return parse(file, result.stderr(), durationSeconds);
    }

    static String filterChain() {
        return "aformat=sample_fmts=s16,"
                + LoudnessSummary.filter(true) + ","
                + String.format(Locale.ROOT, "silencedetect=noise=%.0fdB:d=%s,", QualityScores.SILENCE_DBFS,
                        MIN_SILENCE_SECONDS)
                + "aeval=exprs=gte(abs(val(ch))\\," + FULL_SCALE + "):c=same,"
                + "astats=metadata=0:measure_perchannel=none:measure_overall=DC_offset";
    }

    static AudioMeasurement parse(Path file, String stderr, double durationSeconds) throws ProviderException {
        double silence = 0;
        Matcher m = SILENCE.matcher(stderr);
        while (m.find()) {
            silence += number(m.group(1));
        }
        double clipped = 0;
        Matcher c = CLIPPED.matcher(stderr);
        boolean clippedFound = false;
        while (c.find()) {
            clipped = number(c.group(1));
            clippedFound = true;
        }
        LoudnessSummary loudness = LoudnessSummary.parse(stderr).orElse(null);
        if (!clippedFound || loudness == null || loudness.loudnessRangeLu().isEmpty()
                || loudness.samplePeakDbfs().isEmpty() || loudness.truePeakDbfs().isEmpty()) {
            throw new ProviderException(ErrorKind.LOCAL, "ffmpeg printed no loudness summary for " + file
                    + "; check that its audio stream decodes (ffmpeg -i " + file + " -f null -)");
        }
        double share = durationSeconds > 0 ? Math.min(1, silence / durationSeconds) : 0;
        return new AudioMeasurement(loudness.integratedLufs(), loudness.loudnessRangeLu().getAsDouble(),
                loudness.samplePeakDbfs().getAsDouble(), loudness.truePeakDbfs().getAsDouble(), Math.max(0, clipped),
                share, durationSeconds);
    }

    private static double number(String s) {
        return LoudnessSummary.number(s);
    }
}
