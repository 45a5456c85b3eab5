package dev.acp.content.items;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.acp.error.UsageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ItemFileTest {
    @TempDir
    Path tmp;

    private Path file(String name, String text) throws IOException {
        Path f = tmp.resolve(name);
        Files.writeString(f, text, StandardCharsets.UTF_8);
        return f;
    }

    @Test
    void reads_csv_with_a_byte_order_mark_quotes_and_line_breaks() throws IOException {
        Path f = file("items.csv", "\uFEFFid,title,path,year\r\na1,\"Tea, green\",a.png,1999\r\n"
                + "a2,\"Two\nlines \"\"quoted\"\"\",,\r\n");
        ItemSet set = ItemFile.read(f, "items.csv", EmbeddedText.allTextFields());
        assertThat(set.problems()).isEmpty();
        assertThat(set.items()).extracting(Item::id).containsExactly("a1", "a2");
        Item a1 = set.items().get(0);
        assertThat(a1.path()).isEqualTo("a.png");
        assertThat(a1.fields()).containsEntry("title", "Tea, green").containsEntry("year", "1999");
        // The id, the path and numbers are not text to embed; each field is named.
        assertThat(EmbeddedText.allTextFields().of(a1)).contains("title: Tea, green");
        assertThat(EmbeddedText.allTextFields().of(set.items().get(1))).contains("title: Two\nlines \"quoted\"");
    }

    @Test
    void reads_json_lines_keeping_value_types() throws IOException {
        Path f = file("items.jsonl", "{\"id\": 7, \"title\": \"Blue\", \"tags\": [\"jazz\", \"modal\"], \"bpm\": 120.5,"
                + " \"live\": false}\n\n{\"id\": \"x\", \"description\": \"quiet\"}\n");
        ItemSet set = ItemFile.read(f, "items.jsonl", EmbeddedText.allTextFields());
        assertThat(set.problems()).isEmpty();
        Item first = set.items().get(0);
        assertThat(first.id()).isEqualTo("7");
        assertThat(first.fields()).containsEntry("tags", List.of("jazz", "modal")).containsEntry("live", false);
        assertThat(EmbeddedText.allTextFields().of(first)).contains("title: Blue\ntags: jazz, modal");
        assertThat(new EmbeddedText(List.of("tags", "title")).of(first)).contains("tags: jazz, modal\ntitle: Blue");
    }

    @Test
    void reports_every_row_problem_with_its_line_and_fix() throws IOException {
        Path f = file("items.csv", "id,title,lyrics\n"
                + "a1,One,la la\n"
                + ",Two,la\n"                  // line 3: no id
                + "a1,Three,la\n"              // line 4: duplicate id
                + "a4,Four\n"                  // line 5: ragged
                + "a5,Five,\n"                 // line 6: no lyrics for --fields
                + "a6,\"Six,la\n");            // line 7: unclosed quote
        ItemSet set = ItemFile.read(f, "songs.csv", new EmbeddedText(List.of("title", "lyrics")));
        assertThat(set.problems()).extracting(ItemProblem::render).containsExactly(
                "songs.csv:3: the item has no id; give every item a unique id",
                "songs.csv:4: the id 'a1' is also the id of the item on line 2; give every item its own id",
                "songs.csv:5: the row has 2 fields but the header has 3; give every row one field per column (empty"
                        + " for none); quote fields that contain commas",
                "songs.csv:6: item 'a5' has no 'lyrics' to embed; fill it in, or leave it out of --fields",
                "songs.csv:7: not valid CSV: a quoted field opened on line 7 is never closed; put fields holding"
                        + " commas, quotes or line breaks in double quotes, with each quote inside doubled (\"\")");
        assertThat(set.items()).extracting(Item::id).containsExactly("a1");
    }

    @Test
    void reports_header_and_json_problems() throws IOException {
        ItemSet noId = ItemFile.read(file("a.csv", "name,title\nx,y\n"), "a.csv", new EmbeddedText(List.of("body")));
        assertThat(noId.problems()).extracting(ItemProblem::render).containsExactly(
                "a.csv:1: there is no 'id' column; add a column named id with a unique value per item",
                "a.csv:1: there is no 'body' column to embed; add it, or name columns of the file with --fields (it"
                        + " has name, title)");
        ItemSet json = ItemFile.read(file("b.jsonl", "{\"id\": \"a\", \"n\": 1}\n[1]\n{oops\n{\"id\": [1], \"t\": \"x\"}\n"),
                "b.jsonl", EmbeddedText.allTextFields());
        assertThat(json.problems()).extracting(ItemProblem::line).containsExactly(1L, 2L, 3L, 4L);
        assertThat(json.problems().get(0).render()).isEqualTo("b.jsonl:1: item 'a' has no text to embed; give it a"
                + " text field (such as title or description), or name the fields to embed with --fields");
    }

    @Test
    void refuses_non_utf8_unknown_formats_and_missing_files() throws IOException {
        Path latin1 = tmp.resolve("l.csv");
        Files.write(latin1, "id,title\na,caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(ItemFile.read(latin1, "l.csv", EmbeddedText.allTextFields()).problems()).extracting(
                ItemProblem::render).anySatisfy(r -> assertThat(r).contains("not UTF-8; save the file as UTF-8"));
        assertThatThrownBy(() -> ItemFile.read(file("x.txt", "id\n"), "x.txt", EmbeddedText.allTextFields()))
                .isInstanceOf(UsageException.class).hasMessageContaining("name it .csv");
        assertThatThrownBy(() -> ItemFile.read(tmp.resolve("none.csv"), "none.csv", EmbeddedText.allTextFields()))
                .isInstanceOf(UsageException.class).hasMessage("cannot read none.csv: no such file");
    }
}
