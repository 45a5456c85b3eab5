package dev.acp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code acp content embed}; each test that loads the model costs about a second. */
class ContentEmbedCommandTest {
    @TempDir
    Path dir;

    /** One command, so one model load: the JSON report on stdout and the .npy file. */
    @Test
    void should_write_one_row_per_line_to_an_npy_file_and_report_them_as_json() throws Exception {
        Files.writeString(dir.resolve("songs.txt"), "The cat sits on the mat.\n\n  \nloud punk rock anthem\n");

        CliRunner.Result r = new CliRunner(dir).run("content", "embed", "--file", "songs.txt", "--lines",
                "--output", "songs.npy", "--threads", "1", "--format", "json");

        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("model").asText()).matches("all-MiniLM-L6-v2-q:sha256-[0-9a-f]{12}:256");
        assertThat(json.get("dimensions").asInt()).isEqualTo(384);
        assertThat(json.get("output").asText()).isEqualTo("songs.npy");
        assertThat(json.get("texts")).hasSize(2);
        assertThat(json.get("texts").get(0).get("tokens").asInt()).isEqualTo(9); // [CLS] the cat sits on the mat . [SEP]
        assertThat(json.get("texts").get(0).get("truncated").asBoolean()).isFalse();
        assertThat(json.get("texts").get(0).has("vector")).isFalse();

        byte[] bytes = Files.readAllBytes(dir.resolve("songs.npy"));
        assertThat(new String(bytes, 0, 8, StandardCharsets.ISO_8859_1)).isEqualTo("\u0093NUMPY\u0001\u0000");
        int headerLength = ByteBuffer.wrap(bytes, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort();
        String header = new String(bytes, 10, headerLength, StandardCharsets.US_ASCII);
        assertThat(header).startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 384), }").endsWith("\n");
        assertThat(bytes).hasSize(10 + headerLength + 2 * 384 * 4);
        ByteBuffer values = ByteBuffer.wrap(bytes, 10 + headerLength, 2 * 384 * 4).order(ByteOrder.LITTLE_ENDIAN);
        double[] norms = new double[2];
        double dot = 0;
        float[] first = new float[384];
        for (int row = 0; row < 2; row++) {
            for (int d = 0; d < 384; d++) {
                float v = values.getFloat();
                norms[row] += v * v;
                if (row == 0) {
                    first[d] = v;
                } else {
                    dot += v * first[d];
                }
            }
        }
        assertThat(norms).containsExactly(new double[] {1, 1}, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(dot).as("two unrelated lines").isLessThan(0.5);
    }

    @Test
    void should_refuse_a_file_that_is_not_utf8_naming_it_and_the_byte() throws Exception {
        Files.write(dir.resolve("latin1.txt"), "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1));

        CliRunner.Result r = new CliRunner(dir).run("content", "embed", "--file", "latin1.txt");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("acp: error: latin1.txt is not UTF-8 text (byte 4 is not valid UTF-8);"
                + " convert it, for example with: iconv -f latin1 -t utf-8" + System.lineSeparator());
    }

    @Test
    void should_refuse_empty_text_bad_output_names_and_missing_sources_with_exit_2() throws Exception {
        Files.writeString(dir.resolve("blank.txt"), " \n");

        assertThat(new CliRunner(dir).run("content", "embed", "  ").err())
                .contains("the text to embed is empty; give at least one word");
        assertThat(new CliRunner(dir).run("content", "embed", "--file", "blank.txt").err())
                .contains("blank.txt is empty; give it some text to embed");
        CliRunner.Result csv = new CliRunner(dir).run("content", "embed", "hi", "--output", "v.csv");
        assertThat(csv.exitCode()).isEqualTo(2);
        assertThat(csv.err()).contains("--output v.csv: name a .json or .npy file");
        assertThat(new CliRunner(dir).run("content", "embed", "hi", "--output", "no/such/v.npy").err())
                .contains("does not exist; create it first");
        assertThat(new CliRunner(dir).run("content", "embed").exitCode()).isEqualTo(2);
        assertThat(new CliRunner(dir).run("content", "embed", "--file", "missing.txt").err())
                .contains("missing.txt does not exist");
        assertThat(new CliRunner(dir).run("content", "embed", "hi", "--threads", "0").err())
                .contains("thread count must be at least 1, not 0");
    }
}
