package dev.acp.content.quality;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class LoudnessSummaryTest {
    /** What the bundled ffmpeg 4.4.1 prints for {@code sine=d=1} through {@code filter(true)}, frame log shortened. */
    private static final String WITH_PEAKS = """
            [Parsed_ebur128_0 @ 0x44c10300] t: 0.4  TARGET:-23 LUFS    M: -21.8 S:-120.7     I: -25.0 LUFS       \
            LRA:   0.0 LU  SPK: -18.1 dBFS  FTPK: -18.1 dBFS  TPK: -18.1 dBFS
            [Parsed_ebur128_0 @ 0x44c10300] t: 0.9  TARGET:-23 LUFS    M: -21.9 S:-120.7     I: -21.7 LUFS       \
            LRA:   0.0 LU  SPK: -18.1 dBFS  FTPK: -18.1 dBFS  TPK: -18.1 dBFS
            size=N/A time=00:00:00.90 bitrate=N/A speed=95.3x
            [Parsed_ebur128_0 @ 0x44c10300] Summary:

              Integrated loudness:
                I:         -21.8 LUFS
                Threshold: -31.8 LUFS

              Loudness range:
                LRA:         0.0 LU
                Threshold:   0.0 LUFS
                LRA low:     0.0 LUFS
                LRA high:    0.0 LUFS

              Sample peak:
                Peak:      -18.1 dBFS

              True peak:
                Peak:      -18.4 dBFS
            """;

    @Test
    void the_summary_is_read_not_the_frame_log_before_it() {
        LoudnessSummary s = LoudnessSummary.parse(WITH_PEAKS).orElseThrow();

        assertThat(s.integratedLufs()).isEqualTo(-21.8);
        assertThat(s.loudnessRangeLu()).isEqualTo(OptionalDouble.of(0.0));
        assertThat(s.samplePeakDbfs()).isEqualTo(OptionalDouble.of(-18.1));
        assertThat(s.truePeakDbfs()).isEqualTo(OptionalDouble.of(-18.4));
    }

    @Test
    void peaks_are_absent_when_not_measured_and_silence_reads_as_ffmpeg_prints_it() {
        String silent = WITH_PEAKS.substring(0, WITH_PEAKS.indexOf("  Sample peak:")).replace("-21.8 LUFS\n    Thr",
                "-inf LUFS\n    Thr");
        LoudnessSummary s = LoudnessSummary.parse(silent).orElseThrow();

        assertThat(s.integratedLufs()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(s.samplePeakDbfs()).isEmpty();
        assertThat(s.truePeakDbfs()).isEmpty();
        assertThat(LoudnessSummary.parse(WITH_PEAKS.substring(0, WITH_PEAKS.indexOf("size=")))).isEmpty();
        assertThat(LoudnessSummary.filter(true)).isEqualTo("ebur128=peak=sample+true:framelog=verbose");
        assertThat(LoudnessSummary.filter(false)).isEqualTo("ebur128=framelog=verbose");
    }
}
