package dev.acp.providers.support;

import static dev.acp.providers.support.Mp4Fixtures.box;
import static dev.acp.providers.support.Mp4Fixtures.concat;
import static dev.acp.providers.support.Mp4Fixtures.ftyp;
import static dev.acp.providers.support.Mp4Fixtures.largeBox;
import static dev.acp.providers.support.Mp4Fixtures.mvhd0;
import static dev.acp.providers.support.Mp4Fixtures.mvhd1;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The length of a video read from its movie header, whatever the layout, and nothing from what is not one. */
final class Mp4DurationTest {
    @TempDir
    Path dir;

    private Optional<BigDecimal> read(byte[] bytes) throws IOException {
        Path file = Files.write(dir.resolve("v" + System.nanoTime() + ".mp4"), bytes);
        return Mp4Duration.seconds(file);
    }

    @Test
    void reads_a_version_0_header_before_the_media() throws Exception {
        assertThat(read(concat(ftyp(), box("moov", mvhd0(1000, 10_000)), box("mdat", new byte[100]))))
                .hasValueSatisfying(s -> assertThat(s).isEqualByComparingTo("10"));
        // 90 kHz, as MPEG encoders write: 5.005 s.
        assertThat(read(concat(ftyp(), box("moov", mvhd0(90_000, 450_450)))))
                .hasValueSatisfying(s -> assertThat(s).isEqualByComparingTo("5.005"));
    }

    @Test
    void reads_a_version_1_header_with_64_bit_times() throws Exception {
        assertThat(read(concat(ftyp(), box("moov", mvhd1(600, 4_800)), box("mdat", new byte[10]))))
                .hasValueSatisfying(s -> assertThat(s).isEqualByComparingTo("8"));
        // A duration beyond 32 bits: 2^32 + 1000 ticks of a 1 MHz clock.
        assertThat(read(concat(ftyp(), box("moov", mvhd1(1_000_000, (1L << 32) + 1000)))))
                .hasValueSatisfying(s -> assertThat(s).isEqualByComparingTo("4294.968"));
    }

    @Test
    void finds_the_header_after_the_media_and_after_other_boxes_inside_moov() throws Exception {
        byte[] mdat = new byte[1 << 20];
        new Random(1).nextBytes(mdat);
        byte[] free = box("free", new byte[7]);
        byte[] iods = box("iods", new byte[16]);
        assertThat(read(concat(ftyp(), free, box("mdat", mdat), box("moov", iods, mvhd0(1000, 6_040)))))
                .hasValueSatisfying(s -> assertThat(s).isEqualByComparingTo("6.04"));
    }

    @Test
    void skips_media_whose_box_has_a_64_bit_size() throws Exception {
        byte[] mdat = new byte[300_000];
        assertThat(read(concat(ftyp(), largeBox("mdat", mdat), box("moov", mvhd0(1000, 4_000)))))
                .hasValueSatisfying(s -> assertThat(s).isEqualByComparingTo("4"));
        // A large moov too (rare, but legal).
        assertThat(read(concat(ftyp(), largeBox("moov", mvhd1(1000, 7_500)))))
                .hasValueSatisfying(s -> assertThat(s).isEqualByComparingTo("7.5"));
    }

    @Test
    void a_last_box_of_size_zero_runs_to_the_end_of_the_file() throws Exception {
        byte[] moov = box("moov", mvhd0(1000, 3_000));
        byte[] open = ByteBuffer.allocate(8 + 50).putInt(0).put("mdat".getBytes(StandardCharsets.ISO_8859_1))
                .put(new byte[50]).array();
        assertThat(read(concat(ftyp(), moov, open))).hasValueSatisfying(s -> assertThat(s).isEqualByComparingTo("3"));
        // moov after an mdat that claims the rest of the file cannot be reached: nothing, not an error.
        assertThat(read(concat(ftyp(), open, moov))).isEmpty();
    }

    @Test
    void a_truncated_file_gives_nothing() throws Exception {
        byte[] whole = concat(ftyp(), box("mdat", new byte[1000]), box("moov", mvhd0(1000, 10_000)));
        // The download stopped inside the media, before the header.
        assertThat(read(Arrays.copyOf(whole, 600))).isEmpty();
        // Inside the movie header.
        assertThat(read(Arrays.copyOf(whole, whole.length - 60))).isEmpty();
        // Inside a box header.
        assertThat(read(Arrays.copyOf(whole, ftyp().length + 5))).isEmpty();
        assertThat(read(new byte[0])).isEmpty();
    }

    @Test
    void garbage_and_broken_headers_give_nothing() throws Exception {
        byte[] noise = new byte[4096];
        new Random(42).nextBytes(noise);
        assertThat(read(noise)).isEmpty();
        assertThat(read("ID3 this is an mp3, not a video".getBytes(StandardCharsets.ISO_8859_1))).isEmpty();
        assertThat(read("\0\0\0 ftypisom a fake video body".getBytes(StandardCharsets.ISO_8859_1))).isEmpty();
        // A box smaller than its own header, and a 64-bit size that is negative.
        assertThat(read(concat(ftyp(), ByteBuffer.allocate(8).putInt(4).put("mdat".getBytes()).array(),
                box("moov", mvhd0(1000, 1000))))).isEmpty();
        assertThat(read(concat(ftyp(), ByteBuffer.allocate(16).putInt(1).put("mdat".getBytes()).putLong(-5).array(),
                box("moov", mvhd0(1000, 1000))))).isEmpty();
        // A moov without a movie header; a movie header of an unknown version.
        assertThat(read(concat(ftyp(), box("moov", box("trak", new byte[20]))))).isEmpty();
        byte[] v2 = mvhd0(1000, 1000);
        v2[8] = 2;
        assertThat(read(concat(ftyp(), box("moov", v2)))).isEmpty();
    }

    @Test
    void an_unknown_or_empty_duration_gives_nothing() throws Exception {
        assertThat(read(concat(ftyp(), box("moov", mvhd0(1000, 0xFFFF_FFFFL))))).as("unknown, v0").isEmpty();
        assertThat(read(concat(ftyp(), box("moov", mvhd1(1000, -1L))))).as("unknown, v1").isEmpty();
        assertThat(read(concat(ftyp(), box("moov", mvhd0(1000, 0))))).as("fragmented files write 0").isEmpty();
        assertThat(read(concat(ftyp(), box("moov", mvhd0(0, 5000))))).as("no timescale").isEmpty();
    }

    @Test
    void a_missing_file_or_a_folder_gives_nothing() {
        assertThat(Mp4Duration.seconds(dir.resolve("absent.mp4"))).isEmpty();
        assertThat(Mp4Duration.seconds(dir)).isEmpty();
    }
}
