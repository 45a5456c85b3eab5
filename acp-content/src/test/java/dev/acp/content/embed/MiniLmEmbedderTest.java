package dev.acp.content.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.acp.error.UsageException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Vectors against minilm-reference.json, made by LangChain4j's own model class (see
 * minilm-reference.md), and the behaviour around them. The model is loaded once for the class.
 */
class MiniLmEmbedderTest {
    /** LangChain4j cuts at the tokenizer JSON's 128 tokens; we cut at 256 by default. */
    private static final int REFERENCE_MAX_TOKENS = 128;

    private static MiniLmEmbedder embedder;
    private static List<Reference> references;

    record Reference(String text, int[] ids, float[] vector) {}

    @BeforeAll
    static void load() throws Exception {
        embedder = MiniLmEmbedder.load(MiniLmEmbedder.Settings.withThreads(2));
        references = new ArrayList<>();
        try (InputStream in = MiniLmEmbedderTest.class.getResourceAsStream("minilm-reference.json")) {
            for (JsonNode r : new ObjectMapper().readTree(in)) {
                int[] ids = new int[r.get("ids").size()];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = r.get("ids").get(i).asInt();
                }
                float[] vector = new float[r.get("vector").size()];
                for (int i = 0; i < vector.length; i++) {
                    vector[i] = r.get("vector").get(i).floatValue();
                }
                references.add(new Reference(r.get("text").asText(), ids, vector));
            }
        }
    }

    /** Closing is checked here rather than in a test of its own, which would load the model again. */
    @AfterAll
    static void close() {
        embedder.close();
        embedder.close();
        assertThatThrownBy(() -> embedder.embed("text")).isInstanceOf(IllegalStateException.class)
                .hasMessage("the embedding model is closed");
    }

    @Test
    void should_match_the_reference_vectors_within_1e_5_including_accented_and_unicode_text() {
        List<Reference> short_ = references.stream().filter(r -> r.ids().length <= REFERENCE_MAX_TOKENS).toList();
        assertThat(short_).hasSizeGreaterThan(10);

        List<float[]> vectors = embedder.embed(short_.stream().map(Reference::text).toList());

        for (int i = 0; i < short_.size(); i++) {
            assertThat(vectors.get(i)).as(short_.get(i).text())
                    .containsExactly(short_.get(i).vector(), org.assertj.core.data.Offset.offset(1e-5f));
        }
    }

    @Test
    void should_match_the_reference_of_a_text_cut_at_the_token_limit() {
        Reference long_ = references.stream().filter(r -> r.ids().length > REFERENCE_MAX_TOKENS).findFirst()
                .orElseThrow();

        assertThat(embedder.embed(List.of(long_.text()), REFERENCE_MAX_TOKENS).getFirst())
                .containsExactly(long_.vector(), org.assertj.core.data.Offset.offset(1e-5f));
        // Our default limit keeps all 134 tokens, so the vector is a different one.
        assertThat(dot(embedder.embed(long_.text()), long_.vector())).isLessThan(0.9999);
    }

    /** The longest input the model gets, from both kinds of thread an indexer may use. */
    @Test
    void should_embed_a_text_cut_at_256_tokens_from_a_platform_or_a_virtual_thread() throws Exception {
        String text = "word ".repeat(300);
        float[] direct = embedder.embed(text);
        float[][] virtual = new float[1][];
        Thread thread = Thread.ofVirtual().start(() -> virtual[0] = embedder.embed(text));
        thread.join();

        assertThat(dot(direct, direct)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(virtual[0]).containsExactly(direct);
    }

    @Test
    void should_rank_related_sentences_above_unrelated_ones() {
        List<float[]> v = embedder.embed(List.of(
                "A man is playing a guitar on stage.",
                "A musician performs a song with his guitar.",
                "The central bank raised interest rates again.",
                "Inflation worries push the stock market down."));

        assertThat(dot(v.get(0), v.get(1))).isGreaterThan(dot(v.get(0), v.get(2)) + 0.2)
                .isGreaterThan(dot(v.get(0), v.get(3)) + 0.2);
        assertThat(dot(v.get(2), v.get(3))).isGreaterThan(dot(v.get(2), v.get(1)) + 0.2);
    }

    @Test
    void should_give_unit_vectors_of_384_floats_and_the_same_vector_alone_or_in_a_list() {
        float[] alone = embedder.embed("Quiet acoustic guitar ballad about rain and lost love");
        List<float[]> listed = embedder.embed(List.of("x y z", "Quiet acoustic guitar ballad about rain and lost love",
                "a much longer sentence that would pad a batch if texts were batched together"));

        assertThat(alone).hasSize(384);
        assertThat(dot(alone, alone)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(listed.get(1)).containsExactly(alone);
        assertThat(embedder.dimensions()).isEqualTo(384);
    }

    /**
     * The default promise: a text's vector is the same, bit for bit, whatever it is embedded with,
     * including neighbours of exactly its token length (which a batch would not need to pad).
     */
    @Test
    void should_give_a_text_the_same_bits_alone_and_among_neighbours_of_any_length() {
        String text = "quiet piano song about the river at night";
        String sameLength = "loud guitar story about the city in winter";
        assertThat(embedder.tokenizer().encode(sameLength, 256).length())
                .isEqualTo(embedder.tokenizer().encode(text, 256).length());
        float[] alone = embedder.embed(text);

        List<float[]> sameLengthNeighbours = embedder.embed(List.of(sameLength, text, sameLength, sameLength));
        List<float[]> mixed = embedder.embed(List.of("rain", text, "word ".repeat(40), sameLength));

        assertThat(sameLengthNeighbours.get(1)).containsExactly(alone);
        assertThat(mixed.get(1)).containsExactly(alone);
    }

    /**
     * Batches (not the default) pad each run to its longest text; each text must still get its own
     * row of the output, close to its unbatched vector, and the padding must not count.
     */
    @Test
    void should_keep_each_text_its_own_row_when_batching_texts_of_different_lengths() {
        List<String> texts = List.of("rain", "a man is playing a guitar on stage",
                "the central bank raised interest rates again this morning, worrying the markets", "dogs",
                "a slow piano piece");
        List<float[]> alone = texts.stream().map(embedder::embed).toList();
        try (MiniLmEmbedder batched = MiniLmEmbedder.load(new MiniLmEmbedder.Settings(1, 256, 3))) {
            List<float[]> vectors = batched.embed(texts);

            for (int i = 0; i < texts.size(); i++) {
                assertThat(dot(vectors.get(i), vectors.get(i))).as(texts.get(i))
                        .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
                // Run-time quantization over the whole batch moves a vector (measured: to a cosine of
                // 0.986 for "dogs" beside a long text), but it stays nearest its own text.
                assertThat(dot(vectors.get(i), alone.get(i))).as(texts.get(i)).isGreaterThan(0.95);
                for (int j = 0; j < texts.size(); j++) {
                    if (j != i) {
                        assertThat(dot(vectors.get(i), alone.get(j))).as(texts.get(i) + " vs " + texts.get(j))
                                .isLessThan(dot(vectors.get(i), alone.get(i)));
                    }
                }
            }
        }
    }

    @Test
    void should_give_identical_vectors_to_concurrent_callers() throws Exception {
        List<String> texts = references.stream().map(Reference::text).limit(4).toList();
        List<float[]> expected = embedder.embed(texts);
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<List<float[]>>> futures = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                futures.add(pool.submit(() -> embedder.embed(texts)));
            }
            for (Future<List<float[]>> future : futures) {
                List<float[]> got = future.get();
                for (int i = 0; i < texts.size(); i++) {
                    assertThat(got.get(i)).containsExactly(expected.get(i));
                }
            }
        }
    }

    @Test
    void should_refuse_an_empty_or_blank_text_naming_which_one() {
        assertThatThrownBy(() -> embedder.embed(""))
                .isInstanceOf(UsageException.class)
                .hasMessage("the text to embed is empty; give at least one word");
        assertThatThrownBy(() -> embedder.embed(List.of("fine", " \n\t")))
                .isInstanceOf(UsageException.class)
                .hasMessage("text 2 of 2 to embed is empty; give at least one word");
    }

    @Test
    void should_name_the_model_and_a_hash_of_its_file() {
        assertThat(embedder.modelId()).matches("all-MiniLM-L6-v2-q:sha256-[0-9a-f]{12}:256");
    }

    @Test
    void should_refuse_settings_out_of_range() {
        assertThatThrownBy(() -> new MiniLmEmbedder.Settings(0, 256, 1)).isInstanceOf(UsageException.class)
                .hasMessageContaining("thread count must be at least 1, not 0");
        assertThatThrownBy(() -> new MiniLmEmbedder.Settings(1, 513, 1)).isInstanceOf(UsageException.class)
                .hasMessageContaining("between 3 and 512");
    }

    static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
