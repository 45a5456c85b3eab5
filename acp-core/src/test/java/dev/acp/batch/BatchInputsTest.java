package dev.acp.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.acp.error.PipelineInvalidException;
import dev.acp.error.UsageException;
import dev.acp.provider.ProviderResult;
import dev.acp.testing.LambdaProvider;
import dev.acp.testing.TestAcp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every problem of an inputs file is found before anything runs, all at once, one line each with
 * the file's line number and the fix; a row with a problem is never dropped silently.
 */
class BatchInputsTest {
    static final String PIPELINE = """
            pipeline_name: cards
            output_directory: out
            inputs:
              product: { type: string }
              count: { type: integer, default: 1 }
              price: { type: number, default: 9.5 }
              gift: { type: boolean, default: false }
              style: { type: string, default: plain, enum: [plain, bold] }
              photo: { type: file, default: photo.png }
            steps:
              - { id: idea, step_type: prompt_generation, provider: free, config: { prompt: "{{inputs.product}}" } }
            """;

    @TempDir
    Path dir;
    TestAcp acp;

    @BeforeEach
    void setUp() throws IOException {
        acp = new TestAcp(dir, Map.of("ACP_HOME", dir.resolve("acp-home").toString()),
                LambdaProvider.free("free", r -> ProviderResult.text("ok", Map.of())));
        acp.write("p.yaml", PIPELINE);
        acp.write("photo.png", "png");
        acp.write("data/shots/a.png", "png");
    }

    private BatchCheck check(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return BatchRunner.newBatch(acp.acp(), Path.of("p.yaml"), Path.of(name), dir).check(e -> { });
    }

    private static List<String> lines(BatchCheck c) {
        return c.problems().stream().map(BatchProblem::render).toList();
    }

    @Test
    void a_valid_csv_selects_every_row_in_order_with_ids_from_the_id_column_or_the_row_number() throws IOException {
        BatchCheck c = check("data/rows.csv", "\uFEFFid,product,count,photo\r\n"
                + "a,\"mug, blue\",2,shots/a.png\r\n"
                + "\r\n"
                + ",\"lamp\nwith shade\",,\r\n"
                + "c,boots,3,\r\n");
        assertThat(lines(c)).isEmpty();
        assertThat(c.selected()).containsExactly(Map.entry("a", 2L), Map.entry("2", 4L), Map.entry("c", 6L));
        assertThat(c.rows()).isEqualTo(3);
    }

    @Test
    void every_problem_of_a_csv_is_reported_at_once_with_its_line_and_fix() throws IOException {
        BatchCheck c = check("rows.csv", String.join("\n",
                "id,product,cout,price,gift,style,photo",   // 1: 'cout' is no input
                "a,mug,1,cheap,yes,plain,",                 // 2: price not a number
                "b,lamp,1,2,maybe,fancy,",                  // 3: gift not boolean, style not allowed
                "c,,1,2,true,bold,",                        // 4: product missing
                "d,boots,1,2,true,bold,missing.png",        // 5: file not found
                "a,cup,1,2,true,bold,",                     // 6: duplicate id
                "e,hat,1,2",                                // 7: ragged (too few)
                "f,\"scarf\",1,2,true,bold,,extra",         // 8: ragged (too many)
                "g h,sock,1,2,true,bold,",                  // 9: id not usable as a folder
                ""));
        assertThat(lines(c)).containsExactlyInAnyOrder(
                "rows.csv:1: error: column 'cout' is not an input of the pipeline (fix: did you mean 'count'?)",
                "rows.csv:2: error: row 'a': input 'price' is number but got 'cheap' (fix: write a number, such as"
                        + " 12.5)",
                "rows.csv:3: error: row 'b': input 'gift' is boolean but got 'maybe' (fix: write true or false)",
                "rows.csv:3: error: row 'b': input 'style' is 'fancy', not one of its allowed values (fix: use one of"
                        + " [plain, bold])",
                "rows.csv:4: error: row 'c': the required input 'product' has no value (fix: fill in 'product' for"
                        + " this row, or give the input a default in the pipeline)",
                "rows.csv:5: error: row 'd': input 'photo': file not found: " + dir.resolve("missing.png")
                        + " (fix: create the file or correct the path (relative paths start in the inputs file's"
                        + " folder))",
                "rows.csv:6: error: row 'a': row id 'a' is used again (first on line 2) (fix: give every row its own"
                        + " id)",
                "rows.csv:7: error: row 'e': the row has 4 fields but the header has 7 (fix: give every row one field"
                        + " per column (an empty field for a default); quote fields that contain commas)",
                "rows.csv:8: error: row 'f': the row has 8 fields but the header has 7 (fix: give every row one field"
                        + " per column (an empty field for a default); quote fields that contain commas)",
                "rows.csv:9: error: row 'g h': the id 'g h' cannot name a row's output folder (fix: use up to 100"
                        + " letters, digits, '.', '_' and '-', starting with a letter or digit)");
    }

    @Test
    void a_header_without_a_required_input_is_one_problem_not_one_per_row() throws IOException {
        BatchCheck c = check("rows.csv", "id,count\na,1\nb,2\n");
        assertThat(lines(c)).containsExactly("rows.csv:1: error: no column gives the required input 'product' (fix:"
                + " add a column 'product', or give the input a default in the pipeline)");
    }

    @Test
    void json_lines_report_a_bad_line_and_go_on_with_the_others() throws IOException {
        BatchCheck c = check("rows.jsonl", String.join("\n",
                "{\"id\": \"a\", \"product\": \"mug\", \"count\": 2, \"price\": 3.25, \"gift\": true}",
                "{\"id\": \"b\", \"product\": \"lamp\"",                      // 2: not valid JSON
                "",                                                          // 3: blank, skipped
                "[1, 2]",                                                    // 4: not an object
                "{\"id\": \"c\", \"product\": \"boots\", \"colour\": \"red\"}", // 5: unknown key
                "{\"id\": \"d\", \"product\": {\"name\": \"x\"}}",              // 6: object value
                "{\"product\": \"hat\", \"count\": 1.5}",                    // 7: not an integer; id = row number
                "{\"id\": 8, \"product\": \"cap\", \"style\": null}",          // 8: fine (null = default)
                ""));
        assertThat(lines(c)).hasSize(5).anySatisfy(l -> assertThat(l).isEqualTo("rows.jsonl:2: error: row '2': not"
                + " valid JSON: Unexpected end-of-input: expected close marker for Object (column 30) (fix: write one"
                + " JSON object per line, such as {\"id\": \"a1\", \"topic\": \"tea\"})"))
                .contains("rows.jsonl:4: error: row '3': the line is JSON but not an object (fix: write one JSON"
                        + " object per line, such as {\"id\": \"a1\", \"topic\": \"tea\"})",
                        "rows.jsonl:5: error: row 'c': 'colour' is not an input of the pipeline (fix: remove it, or use"
                                + " one of the pipeline's inputs: product, count, price, gift, style, photo (and 'id'"
                                + " to name rows))",
                        "rows.jsonl:6: error: row 'd': 'product' is a JSON object, which no input type takes (fix:"
                                + " give a string, number, boolean or (for a list input) an array)",
                        "rows.jsonl:7: error: row '6': input 'count' is integer but got '1.5' (fix: write a whole"
                                + " number, such as 3)");
        assertThat(c.selected()).containsOnlyKeys("a", "8");
    }

    @Test
    void a_file_that_is_not_utf8_is_one_problem() throws IOException {
        Files.write(dir.resolve("latin.csv"), "id,product\na,caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        BatchCheck c = BatchRunner.newBatch(acp.acp(), Path.of("p.yaml"), Path.of("latin.csv"), dir).check(e -> { });
        assertThat(lines(c)).containsExactly("latin.csv: error: the file is not UTF-8 text (fix: save it as UTF-8"
                + " (with or without a byte order mark))");
    }

    @Test
    void only_and_limit_rows_select_and_an_unknown_only_id_is_a_problem() throws IOException {
        Files.writeString(dir.resolve("rows.csv"), "id,product\na,1\nb,2\nc,3\nd,4\n");
        BatchCheck limited = BatchRunner.newBatch(acp.acp(), Path.of("p.yaml"), Path.of("rows.csv"), dir)
                .limitRows(2L).check(e -> { });
        assertThat(limited.selected()).containsOnlyKeys("a", "b");
        BatchCheck only = BatchRunner.newBatch(acp.acp(), Path.of("p.yaml"), Path.of("rows.csv"), dir)
                .only(List.of("c", "a", "zz")).check(e -> { });
        assertThat(only.selected().keySet()).containsExactly("a", "c");
        assertThat(lines(only)).containsExactly("rows.csv: error: --only names row 'zz', which the file does not have"
                + " (fix: give ids of the file's rows (its 'id' column, or row numbers from 1))");
    }

    @Test
    void a_pipeline_problem_that_every_row_shares_is_the_pipelines_and_a_missing_inputs_section_is_refused()
            throws IOException {
        acp.write("bad.yaml", PIPELINE.replace("provider: free", "provider: nowhere"));
        Files.writeString(dir.resolve("rows.csv"), "product\na\nb\n");
        assertThatThrownBy(() -> BatchRunner.newBatch(acp.acp(), Path.of("bad.yaml"), Path.of("rows.csv"), dir)
                .check(e -> { })).isInstanceOf(PipelineInvalidException.class).hasMessageContaining("nowhere");
        acp.write("none.yaml", "pipeline_name: x\nsteps:\n  - { step_type: prompt_generation, provider: free,"
                + " config: { prompt: a } }\n");
        assertThatThrownBy(() -> BatchRunner.newBatch(acp.acp(), Path.of("none.yaml"), Path.of("rows.csv"), dir)
                .check(e -> { })).isInstanceOf(UsageException.class).hasMessageContaining("declares no inputs");
        assertThatThrownBy(() -> BatchRunner.newBatch(acp.acp(), Path.of("p.yaml"), Path.of("rows.txt"), dir)
                .check(e -> { })).isInstanceOf(UsageException.class).hasMessageContaining("does not exist");
        Files.writeString(dir.resolve("rows.txt"), "product\na\n");
        assertThatThrownBy(() -> BatchRunner.newBatch(acp.acp(), Path.of("p.yaml"), Path.of("rows.txt"), dir)
                .check(e -> { })).isInstanceOf(UsageException.class).hasMessageContaining("neither .csv nor .jsonl");
    }

    @Test
    void the_estimate_comes_per_row_and_nothing_is_written() throws IOException {
        Files.writeString(dir.resolve("rows.csv"), "product\na\nb\n");
        List<String> rows = new ArrayList<>();
        BatchCheck c = BatchRunner.newBatch(acp.acp(), Path.of("p.yaml"), Path.of("rows.csv"), dir)
                .check(r -> rows.add(r.row().id()));
        assertThat(rows).containsExactly("1", "2");
        assertThat(c.free()).isTrue();
        assertThat(dir.resolve("acp-home/batches")).doesNotExist();
        assertThat(dir.resolve("out")).doesNotExist();
    }
}
