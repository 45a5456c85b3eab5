package dev.acp.content.embed;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class WordPieceTokenizerTest {
    private static WordPieceTokenizer tokenizer;

    @BeforeAll
    static void load() throws Exception {
        try (InputStream in = WordPieceTokenizer.class.getResourceAsStream(MiniLmEmbedder.TOKENIZER_RESOURCE)) {
            tokenizer = WordPieceTokenizer.load(in);
        }
    }

    @Test
    void should_give_the_reference_tokenizers_ids_for_every_reference_text() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("minilm-reference.json")) {
            JsonNode references = new ObjectMapper().readTree(in);
            for (JsonNode r : references) {
                int[] expected = new int[r.get("ids").size()];
                Arrays.setAll(expected, i -> r.get("ids").get(i).asInt());
                assertThat(tokenizer.encode(r.get("text").asText(), 512).ids()).as(r.get("text").asText())
                        .containsExactly(expected);
            }
        }
    }

    @Test
    void should_strip_accents_lower_case_and_clean_like_bert() {
        assertThat(BertNormalizer.normalize("Café DÉJÀ Ünïcödé")).isEqualTo("cafe deja unicode");
        assertThat(BertNormalizer.normalize("a\u00a0b\u2003c\td\u200be\u0000f")).isEqualTo("a b c def");
        assertThat(BertNormalizer.normalize("東京x")).isEqualTo(" 東  京 x");
        // Per character, as the reference does: no Greek final-sigma rule.
        assertThat(BertNormalizer.normalize("ΣΟΦΟΣ")).isEqualTo("σοφοσ");
    }

    @Test
    void should_split_punctuation_into_words_of_their_own() {
        assertThat(WordPieceTokenizer.preTokenize("hello, world!! a$b")).containsExactly("hello", ",", "world", "!",
                "!", "a", "$", "b");
    }

    @Test
    void should_mark_unknown_words_and_words_over_100_characters() {
        int unknown = tokenizer.encode("[UNK]", 10).ids()[1];
        assertThat(tokenizer.encode("a" + "b".repeat(100), 10).ids()).containsExactly(101, unknown, 102);
        assertThat(tokenizer.encode("😀", 10).ids()).containsExactly(101, unknown, 102);
    }

    @Test
    void should_cut_long_texts_at_the_limit_keeping_sep() {
        WordPieceTokenizer.Tokens tokens = tokenizer.encode("word ".repeat(300), 256);
        assertThat(tokens.length()).isEqualTo(256);
        assertThat(tokens.truncated()).isTrue();
        assertThat(tokens.ids()[0]).isEqualTo(101);
        assertThat(tokens.ids()[255]).isEqualTo(102);
        assertThat(tokenizer.encode("word ".repeat(254), 256).truncated()).isFalse();
    }
}
