package dev.acp.local.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SceneSplitterTest {
    private static final String STORY = """
            The old lighthouse keeper climbed the spiral stairs every evening. His lamp swept across the dark sea.

            One stormy night, a small fishing boat drifted toward the rocks. The keeper saw its red sail in the lightning.

            He rang the great bronze bell until his arms ached. The fishermen heard it and turned away from the reef.

            At dawn the boat reached the harbour safely. The village gathered at the lighthouse to thank the keeper.
            """;

    private static SceneSplitter.Options options(Integer scenes, String style) {
        return new SceneSplitter.Options(Optional.ofNullable(scenes), style, 150, Optional.empty());
    }

    private static SceneSplitter.Result split(String story, Integer scenes, String style) throws Exception {
        return SceneSplitter.split(story, options(scenes, style));
    }

    @Test
    void should_make_the_requested_number_of_scenes_at_paragraph_ends() throws Exception {
        SceneSplitter.Result result = split(STORY, 4, "cinematic");

        assertThat(result.scenes()).hasSize(4);
        assertThat(result.language()).isEqualTo(Locale.ENGLISH);
        assertThat(result.scenes().get(0).narration())
                .isEqualTo("The old lighthouse keeper climbed the spiral stairs every evening. His lamp swept across the dark sea.");
        assertThat(result.scenes().get(3).narration()).startsWith("At dawn");
        assertThat(result.note()).isEmpty();
    }

    @Test
    void should_keep_every_sentence_once_and_in_order() throws Exception {
        for (int n = 1; n <= 8; n++) {
            SceneSplitter.Result result = split(STORY, n, "");
            String joined = result.scenes().stream().map(StoryScene::narration).collect(Collectors.joining(" "));
            assertThat(joined).isEqualTo(STORY.strip().replaceAll("\\s+", " "));
            assertThat(result.scenes()).hasSize(n);
        }
    }

    @Test
    void should_not_make_more_scenes_than_sentences_and_say_why() throws Exception {
        SceneSplitter.Result result = split("One sentence here. And another one.", 5, "");

        assertThat(result.scenes()).hasSize(2);
        assertThat(result.note()).hasValueSatisfying(n -> assertThat(n).contains("asked for 5", "only 2 sentences"));
    }

    @Test
    void should_balance_scene_lengths() throws Exception {
        // Sentences of very different lengths, one paragraph: scenes must still be near the mean.
        String story = IntStream.range(0, 60)
                .mapToObj(i -> "Word ".repeat(3 + (i * 7) % 17).strip() + ".")
                .collect(Collectors.joining(" "));
        SceneSplitter.Result result = split(story, 6, "");

        List<Integer> lengths = result.scenes().stream().map(s -> SceneSplitter.words(s.narration())).toList();
        double mean = lengths.stream().mapToInt(Integer::intValue).average().orElseThrow();
        assertThat(lengths).allSatisfy(l -> assertThat((double) l).isBetween(mean * 0.8, mean * 1.2));
    }

    @Test
    void should_choose_a_scene_count_from_the_length_when_none_is_given() throws Exception {
        String story = IntStream.range(0, 40).mapToObj(i -> "The river ran past the mill number " + i + ".")
                .collect(Collectors.joining(" "));

        SceneSplitter.Result result = split(story, null, "");

        // 40 sentences of 8 words: 320 words, one scene per ~40 words.
        assertThat(result.words()).isEqualTo(320);
        assertThat(result.scenes()).hasSize(8);
    }

    @Test
    void should_time_scenes_by_narration_words_at_the_speaking_rate_with_a_minimum() throws Exception {
        String story = "word ".repeat(75).strip() + ".\n\nShort.";
        SceneSplitter.Result result = split(story, 2, "");

        assertThat(result.scenes().get(0).duration()).isEqualTo(30.0);
        assertThat(result.scenes().get(1).duration()).isEqualTo(SceneSplitter.MIN_DURATION_SECONDS);
        SceneSplitter.Result fast = SceneSplitter.split(story, new SceneSplitter.Options(Optional.of(2), "", 300, Optional.empty()));
        assertThat(fast.scenes().get(0).duration()).isEqualTo(15.0);
    }

    @Test
    void should_refuse_empty_and_blank_stories() {
        assertThatThrownBy(() -> split("", 3, "")).isInstanceOf(SceneSplitter.StoryRejectedException.class)
                .hasMessageContaining("empty").hasMessageContaining("config.story");
        assertThatThrownBy(() -> split("  \n\n\t ", null, "")).isInstanceOf(SceneSplitter.StoryRejectedException.class);
        assertThatThrownBy(() -> split("... — !", null, "")).isInstanceOf(SceneSplitter.StoryRejectedException.class)
                .hasMessageContaining("no words");
    }

    @Test
    void should_refuse_a_single_word_with_one_line_and_make_one_scene_of_one_sentence() throws Exception {
        assertThatThrownBy(() -> split("Lighthouse", null, "cinematic"))
                .isInstanceOf(SceneSplitter.StoryRejectedException.class)
                .hasMessage("the story is a single word ('Lighthouse'); write at least a sentence to split into scenes");

        SceneSplitter.Result result = split("The lighthouse stood alone.", null, "cinematic");
        assertThat(result.scenes()).singleElement().satisfies(s -> {
            assertThat(s.narration()).isEqualTo("The lighthouse stood alone.");
            assertThat(s.duration()).isEqualTo(2.0);
            assertThat(s.imagePrompt()).containsIgnoringCase("lighthouse").contains("cinematic");
        });
    }

    @Test
    void should_refuse_a_story_above_the_word_limit_with_one_line() {
        String huge = "lorem ipsum dolor sit amet. ".repeat(40_000); // 200,000 words, 1.12 M characters
        String hugeButShort = "a b c d e f g h i j. ".repeat(20_000); // 200,000 words, 420 k characters

        assertThatThrownBy(() -> split(huge, null, "")).isInstanceOf(SceneSplitter.StoryRejectedException.class)
                .hasMessageNotContaining("\n").hasMessageContaining("limit");
        assertThatThrownBy(() -> split(hugeButShort, null, "")).isInstanceOf(SceneSplitter.StoryRejectedException.class)
                .hasMessageNotContaining("\n").hasMessageContaining(SceneSplitter.MAX_WORDS + " words");
    }

    @Test
    void should_split_a_story_just_under_the_limit() throws Exception {
        String big = IntStream.range(0, 9_000).mapToObj(i -> (i % 20 == 0 ? "\n\n" : "") + "The tide came in over stone " + i + ".")
                .collect(Collectors.joining(" "));

        SceneSplitter.Result result = split(big, 50, "");

        assertThat(result.scenes()).hasSize(50);
        assertThat(result.words()).isEqualTo(63_000);
        List<Integer> lengths = result.scenes().stream().map(s -> SceneSplitter.words(s.narration())).toList();
        double mean = 63_000 / 50.0;
        assertThat(lengths).allSatisfy(l -> assertThat((double) l).isBetween(mean * 0.8, mean * 1.2));
    }

    @Test
    void should_split_german_with_ordinal_dates_inside_sentences() throws Exception {
        String story = "Es war einmal ein alter Mann. Er lebte am 3. Mai in einem kleinen Dorf. "
                + "Jeden Tag ging er in den dunklen Wald. Dort fand er eines Tages einen goldenen Schlüssel.";

        SceneSplitter.Result result = split(story, 4, "watercolor");

        assertThat(result.language().getLanguage()).isEqualTo("de");
        assertThat(result.scenes()).extracting(StoryScene::narration).containsExactly(
                "Es war einmal ein alter Mann.", "Er lebte am 3. Mai in einem kleinen Dorf.",
                "Jeden Tag ging er in den dunklen Wald.", "Dort fand er eines Tages einen goldenen Schlüssel.");
        // No German stop-word list: the prompt starts from the sentence, then the style's words.
        assertThat(result.scenes().get(0).imagePrompt()).startsWith("Es war einmal ein alter Mann, watercolour painting");
    }

    @Test
    void should_split_japanese_without_spaces() throws Exception {
        String story = "昔々、ある村に老人が住んでいました。彼は毎日山へ行きました！ある日、不思議な光を見つけました？そして家に帰りました。";

        SceneSplitter.Result result = split(story, 2, "anime");

        assertThat(result.language()).isEqualTo(Locale.JAPANESE);
        assertThat(result.sentences()).isEqualTo(4);
        assertThat(result.scenes()).hasSize(2);
        assertThat(result.scenes().get(0).narration()).isEqualTo("昔々、ある村に老人が住んでいました。彼は毎日山へ行きました！");
        assertThat(result.scenes().get(0).title()).isEqualTo("昔々、ある村に老人が住んでいました".substring(0, 14));
        assertThat(result.scenes().get(1).narration()).doesNotContain(" ");
        assertThat(result.scenes().get(1).imagePrompt()).contains("anime key visual");
        assertThat(result.words()).isGreaterThan(10);
    }

    @Test
    void should_split_chinese_at_full_width_stops() throws Exception {
        String story = "从前有一座山。山上有一座庙！庙里住着一个老和尚。他每天给小和尚讲故事？";

        SceneSplitter.Result result = split(story, 4, "");

        assertThat(result.language()).isEqualTo(Locale.CHINESE);
        assertThat(result.scenes()).extracting(StoryScene::narration)
                .containsExactly("从前有一座山。", "山上有一座庙！", "庙里住着一个老和尚。", "他每天给小和尚讲故事？");
        // Seven characters count as four words: at 150 words a minute that is under the 2 s minimum.
        assertThat(result.scenes()).allSatisfy(s -> assertThat(s.duration()).isEqualTo(SceneSplitter.MIN_DURATION_SECONDS));
    }

    @Test
    void should_split_arabic_at_its_question_mark() throws Exception {
        String story = "كان يا ما كان في قديم الزمان. عاش رجل عجوز في قرية صغيرة؟ ذهب إلى الجبل كل يوم.";

        SceneSplitter.Result result = split(story, 3, "");

        assertThat(result.language().getLanguage()).isEqualTo("ar");
        assertThat(result.scenes()).extracting(StoryScene::narration).containsExactly(
                "كان يا ما كان في قديم الزمان.", "عاش رجل عجوز في قرية صغيرة؟", "ذهب إلى الجبل كل يوم.");
    }

    @Test
    void should_build_titles_from_the_leading_phrase() throws Exception {
        SceneSplitter.Result result = split("One stormy night, a small fishing boat drifted toward the rocks.", 1, "");

        assertThat(result.scenes().getFirst().title()).isEqualTo("One stormy night");
        assertThat(split("the keeper rang the great bronze bell until his arms ached badly.", 1, "")
                .scenes().getFirst().title()).isEqualTo("The keeper rang the great bronze");
    }

    @Test
    void should_build_image_prompts_from_salient_phrases_and_the_style() throws Exception {
        SceneSplitter.Result result = split(STORY, 4, "cinematic");

        String prompt = result.scenes().get(0).imagePrompt();
        assertThat(prompt).contains("old lighthouse keeper", "spiral stairs", "dark sea")
                .doesNotContain(" the ", "every evening,")
                .endsWith(ScenePrompts.stylePhrase("cinematic"));
        assertThat(result.scenes().get(1).imagePrompt()).contains("fishing boat", "red sail");
        assertThat(split(STORY, 4, "cartoon").scenes().get(0).imagePrompt()).contains("cartoon illustration");
        assertThat(split(STORY, 4, "ukiyo-e woodblock").scenes().get(0).imagePrompt()).endsWith("ukiyo-e woodblock style");
        assertThat(split(STORY, 4, "").scenes().get(0).imagePrompt()).isEqualTo("old lighthouse keeper, spiral stairs, evening, dark sea");
    }

    @Test
    void should_keep_names_capitalised_in_prompts() throws Exception {
        String prompt = split("At midnight the girl met Captain Mara near the harbour. Mara smiled.", 1, "")
                .scenes().getFirst().imagePrompt();

        assertThat(prompt).isEqualTo("midnight, girl, Captain Mara, harbour");
    }

    @Test
    void should_be_deterministic() throws Exception {
        SceneSplitter.Result a = split(STORY, 3, "anime");
        SceneSplitter.Result b = split(STORY, 3, "anime");

        assertThat(a).isEqualTo(b);
    }

    @Test
    void should_cut_an_enormous_sentence_at_clause_marks() throws Exception {
        String clause = "the wind howled over the hills and valleys of the north";
        String sentence = IntStream.range(0, 30).mapToObj(i -> clause).collect(Collectors.joining(", ")) + ".";

        SceneSplitter.Result result = split(sentence, 4, "");

        assertThat(result.sentences()).isGreaterThan(3);
        assertThat(result.scenes()).hasSize(4);
        assertThat(result.scenes()).allSatisfy(s -> assertThat(s.narration()).startsWith("the wind"));
    }
}
