package dev.acp.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 4180 as people write it: quotes, commas and line breaks in fields, BOMs, blank lines. */
class CsvReaderTest {

    private static List<CsvReader.Record> read(String text) throws IOException {
        List<CsvReader.Record> out = new ArrayList<>();
        try (CsvReader r = new CsvReader(new StringReader(text))) {
            CsvReader.Record rec;
            while ((rec = r.next()) != null) {
                out.add(rec);
            }
        }
        return out;
    }

    @Test
    void quoted_fields_keep_commas_quotes_and_line_breaks_and_lines_are_counted_from_where_a_record_starts()
            throws IOException {
        List<CsvReader.Record> rows = read("id,text\r\n"
                + "a,\"one, two\"\r\n"
                + "b,\"she said \"\"hi\"\"\"\r\n"
                + "c,\"first line\nsecond line\r\nthird line\"\n"
                + "d,plain\n");
        assertThat(rows).extracting(CsvReader.Record::fields).containsExactly(
                List.of("id", "text"), List.of("a", "one, two"), List.of("b", "she said \"hi\""),
                List.of("c", "first line\nsecond line\r\nthird line"), List.of("d", "plain"));
        assertThat(rows).extracting(CsvReader.Record::line).containsExactly(1L, 2L, 3L, 4L, 7L);
        assertThat(rows).allSatisfy(r -> assertThat(r.problem()).isNull());
    }

    @Test
    void a_byte_order_mark_is_dropped_and_blank_lines_are_no_records() throws IOException {
        List<CsvReader.Record> rows = read("\uFEFFid,topic\n\na,tea\n   \n\r\nb,coffee\n\n");
        assertThat(rows).extracting(CsvReader.Record::fields).containsExactly(List.of("id", "topic"),
                List.of("a", "tea"), List.of("b", "coffee"));
        assertThat(rows).extracting(CsvReader.Record::line).containsExactly(1L, 3L, 6L);
    }

    @Test
    void the_last_record_needs_no_line_break_and_empty_fields_stay_empty() throws IOException {
        assertThat(read("a,,c\n,\"\",x")).extracting(CsvReader.Record::fields)
                .containsExactly(List.of("a", "", "c"), List.of("", "", "x"));
    }

    @Test
    void a_lone_cr_ends_a_record_like_lf() throws IOException {
        List<CsvReader.Record> rows = read("a,b\rc,d\r");
        assertThat(rows).extracting(CsvReader.Record::fields).containsExactly(List.of("a", "b"), List.of("c", "d"));
        assertThat(rows).extracting(CsvReader.Record::line).containsExactly(1L, 2L);
    }

    @Test
    void a_quote_never_closed_and_text_after_a_closing_quote_are_reported_with_their_lines() throws IOException {
        List<CsvReader.Record> bad = read("a,\"b\"x,c\nd,\"never closed\ne,f\n");
        assertThat(bad.get(0).problem()).isEqualTo("text follows a closing quote on line 1");
        assertThat(bad.get(0).fields()).containsExactly("a", "bx", "c");
        assertThat(bad.get(1).line()).isEqualTo(2);
        assertThat(bad.get(1).problem()).isEqualTo("a quoted field opened on line 2 is never closed");
    }

    @Test
    void spaces_before_a_field_are_part_of_it_and_only_blank_lines_are_skipped() throws IOException {
        assertThat(read("  a, b\n")).extracting(CsvReader.Record::fields).containsExactly(List.of("  a", " b"));
    }
}
