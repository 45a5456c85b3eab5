package dev.acp.pipeline.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.pipeline.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The YAML event reader gives exactly the nodes and problems Jackson's YAML parser gives: for the
 * documents it reads itself, and (through Jackson) for those it declines.
 */
class YamlEventReaderTest {

    private final NodeReader reader = new NodeReader();

    /** Documents the event reader reads itself: every scalar form a pipeline or catalog uses. */
    static Stream<String> read_here() {
        return Stream.of(
                "a: 1\nb: -7\nc: +5\nd: 0\ne: -0\nf: 123456789012345678\n",
                "price: 0.04\nneg: -2.5\nshort: .5\nexp: 1e5\nexpneg: 2.5E-3\ntrailing: 3.\n",
                "t: [true, True, TRUE, yes, Yes, YES, on, On, ON]\nf: [false, False, no, NO, off, Off]\n",
                "n1: ~\nn2: null\nn3: Null\nn4:\nq: ''\nqq: \"\"\n",
                "s1: 'true'\ns2: \"12\"\ns3: y\ns4: n\ns5: 2026-12-08\ns6: 1.2.3\ns7: 12abc\ns8: tRUE\n",
                "k: |\n  two\n  lines\nf: >\n  folded\n  text\nplain: a b c\n",
                "- {step_type: text_to_image, id: s1, config: {prompt: \"{{inputs.topic}} 1\", n: 2}}\n"
                        + "- [1, [2, [3, {x: y}]]]\n",
                "1: number key\n~: null key\ntrue: bool key\n",
                "a: 1\na: 2\nb: {c: 1, c: 3}\n",
                "base: &b {x: 1}\nother: 2\n",
                "--- # a document marker and a comment\nkey: value\n...\n",
                "--- first\n--- second\n",
                "# only a comment\n",
                "",
                "~\n",
                "just text\n");
    }

    /** Documents it leaves to Jackson; the result must still be Jackson's. */
    static Stream<String> declined() {
        return Stream.of(
                "a: &x 1\nb: *x\n",
                "i: !!int \"42\"\n",
                "b: !!binary aGVsbG8=\n",
                "hex: 0x1F\noct: 017\nbin: 0b101\nunderscore: 1_000\n",
                "big: 1234567890123456789\nhuge: 123456789012345678901234567890\n",
                "inf: .inf\nnan: .NaN\nsexagesimal: 1:30\nf: 1_000.5\n",
                "? [complex, key]\n: value\n",
                "a: [1, 2\n",
                "a: b: c\n",
                "key: 'unterminated\n",
                "\t- tab indent\n",
                "a:\n" + "  - [".repeat(210) + "]".repeat(210) + "\n");
    }

    @ParameterizedTest
    @MethodSource("read_here")
    void should_read_common_yaml_itself_as_jackson_does(String yaml) {
        assertThat(new YamlEventReader(200).read(yaml, "p.yaml")).as("read without Jackson").isPresent();
        assertSameAsJackson(yaml);
    }

    @ParameterizedTest
    @MethodSource("declined")
    void should_leave_the_rest_to_jackson(String yaml) {
        assertThat(new YamlEventReader(200).read(yaml, "p.yaml")).as("left to Jackson").isEmpty();
        assertSameAsJackson(yaml);
    }

    static Stream<Path> shipped_yaml() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("../examples").toAbsolutePath().normalize())) {
            return files.filter(f -> f.toString().endsWith(".yaml")).toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("shipped_yaml")
    void should_read_the_examples_as_jackson_does(Path file) throws IOException {
        assertSameAsJackson(Files.readString(file));
    }

    @ParameterizedTest
    @MethodSource("catalogs")
    void should_read_the_built_in_catalogs_itself_as_jackson_does(String resource) throws IOException {
        String yaml;
        try (InputStream in = NodeReader.class.getResourceAsStream(resource)) {
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(new YamlEventReader(200).read(yaml, "catalog.yaml")).isPresent();
        assertSameAsJackson(yaml);
    }

    static Stream<String> catalogs() {
        return Stream.of("/dev/acp/catalog/catalog.yaml", "/dev/acp/catalog/pricing.yaml");
    }

    private void assertSameAsJackson(String yaml) {
        List<Problem> problems = new ArrayList<>();
        Node node = reader.read(yaml, "p.yaml", NodeReader.Format.YAML, problems);
        List<Problem> jacksonProblems = new ArrayList<>();
        Node jackson = reader.readWithJackson(yaml, "p.yaml", NodeReader.Format.YAML, jacksonProblems);
        assertThat(node).isEqualTo(jackson);
        assertThat(problems).isEqualTo(jacksonProblems);
    }
}
