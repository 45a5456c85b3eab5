package dev.acp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The index commands with the real embedding model, on a handful of items. */
class ContentIndexCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Path items() throws IOException {
        return Files.writeString(tmp.resolve("items.csv"), """
                id,title,description,genre,year
                rain,Rainy Day,soft piano while the rain falls on the window,jazz,2001
                storm,Thunder Road,loud guitars and pounding drums,rock,1999
                beach,Summer Beach,sunshine waves and surfing,pop,2010
                snow,Winter Night,quiet snow falling in the dark,jazz,2003
                """);
    }

    @Test
    void builds_searches_filters_finds_similar_adds_and_removes() throws IOException {
        CliRunner cli = new CliRunner(tmp);
        CliRunner.Result build = cli.run("content", "index", "build", "--index", "idx", "--input", items().toString());
        assertThat(build.exitCode()).as(build.err()).isZero();
        assertThat(build.out()).startsWith("Indexed 4 items into idx in ").contains("model all-MiniLM-L6-v2-q:");
        // Not a terminal: progress is a log line, not a bar.
        assertThat(build.err()).contains("acp: [########################] 4/4 items");

        CliRunner.Result search = cli.run("content", "search", "--index", "idx", "raindrops on glass", "--k", "2",
                "--format", "json");
        assertThat(search.exitCode()).as(search.err()).isZero();
        JsonNode hits = JSON.readTree(search.out()).get("hits");
        assertThat(hits).hasSize(2);
        assertThat(hits.get(0).get("id").asText()).isEqualTo("rain");
        assertThat(hits.get(0).get("metadata").get("genre").asText()).isEqualTo("jazz");

        CliRunner.Result filtered = cli.run("content", "search", "--index", "idx", "raindrops on glass", "--filter",
                "genre=rock");
        assertThat(filtered.exitCode()).as(filtered.err()).isZero();
        assertThat(filtered.out().lines().skip(1).toList()).singleElement().asString().contains("storm")
                .contains("Thunder Road");

        // CSV cells are text, yet a year reads as a number for --where, and two conditions make a range.
        CliRunner.Result recent = cli.run("content", "search", "--index", "idx", "raindrops on glass", "--where",
                "year>=2001", "--where", "year<2010", "--format", "json");
        assertThat(recent.exitCode()).as(recent.err()).isZero();
        JsonNode recentJson = JSON.readTree(recent.out());
        assertThat(recentJson.get("hits").findValuesAsText("id")).containsExactly("rain", "snow");
        assertThat(recentJson.get("where").toString()).isEqualTo("[\"year>=2001\",\"year<2010\"]");
        CliRunner.Result badWhere = cli.run("content", "search", "--index", "idx", "rain", "--where", "genre>=1");
        assertThat(badWhere.exitCode()).isEqualTo(2);
        assertThat(badWhere.err()).contains("has a number in the field 'genre'; its fields with numbers: year")
                .hasLineCount(1);

        CliRunner.Result similar = cli.run("content", "similar", "--index", "idx", "--id", "snow", "--k", "1");
        assertThat(similar.out()).contains("rain").doesNotContain("snow");

        Path more = Files.writeString(tmp.resolve("more.jsonl"), """
                {"id": "storm", "title": "Calm Sea", "description": "still water at dawn", "genre": "ambient"}
                {"id": "city", "title": "City Lights", "description": "neon streets at night", "genre": "electronic"}
                """);
        CliRunner.Result add = cli.run("content", "index", "add", "--index", "idx", "--input", more.toString());
        assertThat(add.out()).as(add.err()).isEqualTo("Added 1 and replaced 1 item in idx; it holds 5 items.\n");

        CliRunner.Result remove = cli.run("content", "index", "remove", "--index", "idx", "--id", "beach,nope");
        assertThat(remove.out()).isEqualTo("Removed 1 item from idx; it holds 4 items. Not in the index: nope.\n");

        CliRunner.Result stats = cli.run("content", "index", "stats", "--index", "idx", "--format", "json");
        JsonNode s = JSON.readTree(stats.out());
        assertThat(s.get("items").asInt()).isEqualTo(4);
        assertThat(s.get("dimensions").asInt()).isEqualTo(384);
        assertThat(cli.run("content", "similar", "--index", "idx", "--id", "storm", "--filter", "genre=ambient")
                .out()).contains("No items match.");
    }

    @Test
    void row_errors_are_all_reported_and_nothing_is_built() throws IOException {
        Path bad = Files.writeString(tmp.resolve("bad.csv"), "id,title\na,One\n,Two\na,Three\nb,\"open\n");
        CliRunner.Result r = new CliRunner(tmp).run("content", "index", "build", "--index", "idx", "--input",
                "bad.csv", "--fields", "title");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().lines().toList()).containsExactly(
                "bad.csv:3: the item has no id; give every item a unique id",
                "bad.csv:4: the id 'a' is also the id of the item on line 2; give every item its own id",
                "bad.csv:5: not valid CSV: a quoted field opened on line 5 is never closed; put fields holding commas,"
                        + " quotes or line breaks in double quotes, with each quote inside doubled (\"\")",
                "3 errors in bad.csv; nothing was indexed.");
        assertThat(tmp.resolve("idx")).doesNotExist();
        assertThat(bad).exists();
    }

    @Test
    void a_missing_or_foreign_index_is_one_line_and_exit_2() throws IOException {
        CliRunner cli = new CliRunner(tmp);
        CliRunner.Result missing = cli.run("content", "similar", "--index", "nowhere", "--id", "x");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).isEqualTo("acp: error: no index at " + tmp.resolve("nowhere") + ": build one with"
                + " 'acp content index build --index " + tmp.resolve("nowhere") + " --input ITEMS'\n");

        assertThat(cli.run("content", "index", "build", "--index", "idx", "--input", items().toString()).exitCode())
                .isZero();
        Path manifest = tmp.resolve("idx/manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replaceFirst("\"model_id\" : \"[^\"]+\"",
                "\"model_id\" : \"all-MiniLM-L12-v2\""));
        CliRunner.Result other = cli.run("content", "search", "--index", "idx", "rain");
        assertThat(other.exitCode()).isEqualTo(2);
        assertThat(other.err()).startsWith("acp: error: the index idx was built with the model all-MiniLM-L12-v2 (384"
                + " dimensions), not all-MiniLM-L6-v2-q:").contains("build it again").hasLineCount(1);
    }
}
