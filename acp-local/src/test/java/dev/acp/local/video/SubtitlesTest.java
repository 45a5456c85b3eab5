package dev.acp.local.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class SubtitlesTest {
    @Test
    void should_split_narration_by_sentence_and_time_cues_in_proportion_within_the_speech() {
        List<Subtitles.Cue> cues = Subtitles.cues(List.of(
                new Subtitles.Spoken("Short one. This second sentence is quite a lot longer than the first.", 2.0, 8.0),
                new Subtitles.Spoken("Next scene.", 9.0, 10.0)));

        assertThat(cues).hasSize(3);
        assertThat(cues.get(0).start()).isEqualTo(2.0);
        assertThat(cues.get(0).text()).isEqualTo("Short one.");
        assertThat(cues.get(1).start()).isEqualTo(cues.get(0).end());
        assertThat(cues.get(1).end()).isEqualTo(8.0);
        assertThat(cues.get(1).end() - cues.get(1).start()).isGreaterThan(4 * (cues.get(0).end() - cues.get(0).start()));
        assertThat(cues.get(2).start()).isEqualTo(9.0);
        assertThat(cues.get(2).end()).isEqualTo(10.0);
    }

    @Test
    void should_cut_long_sentences_into_cues_of_two_lines_at_most() {
        String sentence = "The storm rolled over the harbour, the boats pulled at their ropes, the gulls wheeled in the grey"
                + " sky above the rooftops, and the old keeper climbed the stairs once more to light the lamp.";

        List<Subtitles.Cue> cues = Subtitles.cues(List.of(new Subtitles.Spoken(sentence, 0, 10)));

        assertThat(cues.size()).isGreaterThan(1);
        assertThat(cues).allSatisfy(c -> {
            assertThat(c.text().lines().count()).isLessThanOrEqualTo(2);
            assertThat(c.text().lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(Subtitles.LINE_CHARS + 10));
        });
        assertThat(cues.getFirst().text()).startsWith("The storm rolled over the harbour,");
        assertThat(cues.getLast().end()).isEqualTo(10.0);
    }

    @Test
    void should_write_srt_with_millisecond_timestamps() {
        String srt = Subtitles.srt(List.of(new Subtitles.Cue(0, 1.5, "Hello"), new Subtitles.Cue(3661.25, 3662, "Two\nlines")));

        assertThat(srt).isEqualTo("1\n00:00:00,000 --> 00:00:01,500\nHello\n\n2\n01:01:01,250 --> 01:01:02,000\nTwo\nlines\n\n");
    }

    @Test
    void should_time_scenes_in_whole_frames_and_extend_clips_by_the_crossfade() {
        Timeline t = Timeline.of(30, List.of(1.7, 2.5, 2.0), 0.5);

        assertThat(t.sceneFrames()).containsExactly(51, 75, 60);
        assertThat(t.transitionFrames()).isEqualTo(15);
        assertThat(t.clipFrames(0)).isEqualTo(66);
        assertThat(t.clipFrames(2)).isEqualTo(60);
        assertThat(t.start(1)).isCloseTo(1.7, within(1e-9));
        assertThat(t.total()).isCloseTo(6.2, within(1e-9));
        // A crossfade never takes more than half the shortest scene.
        assertThat(Timeline.of(30, List.of(0.4, 3.0), 1.0).transitionFrames()).isEqualTo(6);
        assertThat(Timeline.of(30, List.of(3.0), 1.0).transitionFrames()).isZero();
    }
}
