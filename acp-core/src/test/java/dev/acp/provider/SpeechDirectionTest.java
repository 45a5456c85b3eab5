package dev.acp.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SpeechDirectionTest {

    @Test
    void should_read_emotion_intensity_and_description_at_run_time() {
        SpeechDirection.Parsed p = SpeechDirection.read(
                Map.of("emotion", " Happy ", "intensity", "0.25", "description", "  a tired narrator "), false);
        assertThat(p.issues()).isEmpty();
        assertThat(p.direction()).isEqualTo(new SpeechDirection(Emotion.HAPPY, 0.25, "a tired narrator"));
        assertThat(p.direction().parts()).containsExactly("emotion", "intensity", "description");
    }

    @Test
    void should_default_the_intensity_of_an_emotion() {
        SpeechDirection d = SpeechDirection.read(Map.of("emotion", "calm"), false).direction();
        assertThat(d.level()).isEqualTo(SpeechDirection.DEFAULT_INTENSITY);
        assertThat(d.intensity()).isNull();
        assertThat(SpeechDirection.read(Map.of("text", "x"), false).direction().isEmpty()).isTrue();
    }

    @Test
    void should_fail_a_templated_value_that_resolved_to_nonsense_at_run_time() {
        SpeechDirection.Parsed p = SpeechDirection.read(Map.of("emotion", "{{inputs.mood}}"), false);
        assertThat(p.hasErrors()).isTrue();
        assertThat(SpeechDirection.read(Map.of("emotion", "{{inputs.mood}}"), true).issues()).isEmpty();
    }

    @Test
    void should_suggest_by_synonym_then_spelling() {
        assertThat(Emotion.suggest("Scared")).contains(Emotion.FEARFUL);
        assertThat(Emotion.suggest("angy")).contains(Emotion.ANGRY);
        assertThat(Emotion.suggest("purple")).isEmpty();
    }

    @Test
    void should_refuse_an_intensity_outside_the_unit_interval_when_built_directly() {
        assertThatThrownBy(() -> new SpeechDirection(Emotion.SAD, -0.1, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SpeechDirection(Emotion.SAD, Double.NaN, null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
