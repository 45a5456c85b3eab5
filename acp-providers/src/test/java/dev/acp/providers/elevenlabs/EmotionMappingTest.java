package dev.acp.providers.elevenlabs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.provider.Emotion;
import dev.acp.provider.SpeechDirection;
import dev.acp.providers.elevenlabs.internal.VoiceSettings;
import org.junit.jupiter.api.Test;

class EmotionMappingTest {
    private static final VoiceSettings NONE = new VoiceSettings(null, null, null, null, null);

    @Test
    void should_loosen_the_voice_more_the_stronger_an_expressive_emotion() {
        EmotionMapping mild = EmotionMapping.of(new SpeechDirection(Emotion.ANGRY, 0.2, null), NONE, "eleven_turbo_v2_5");
        EmotionMapping strong = EmotionMapping.of(new SpeechDirection(Emotion.ANGRY, 1.0, null), NONE, "eleven_turbo_v2_5");

        assertThat(strong.settings().stability()).isLessThan(mild.settings().stability());
        assertThat(strong.settings().style()).isGreaterThan(mild.settings().style());
        assertThat(strong.tag()).as("only v3 models read tags").isNull();
        assertThat(strong.text("Stop.")).isEqualTo("Stop.");
    }

    @Test
    void should_steady_the_voice_for_calm_and_send_no_similarity_change() {
        EmotionMapping calm = EmotionMapping.of(new SpeechDirection(Emotion.CALM, 1.0, null), NONE, "eleven_multilingual_v2");
        assertThat(calm.settings().stability()).isEqualTo(0.8);
        assertThat(calm.settings().similarityBoost()).isNull();
    }

    @Test
    void should_report_a_description_alone_as_not_applied_and_leave_settings_alone() {
        EmotionMapping m = EmotionMapping.of(new SpeechDirection(null, null, "tired"), NONE, "eleven_v3");
        assertThat(m.applied()).isFalse();
        assertThat(m.settings().isEmpty()).isTrue();
        assertThat(m.note()).contains("description not applied");
        assertThat(EmotionMapping.of(SpeechDirection.NONE, NONE, "eleven_v3").applied()).isNull();
    }
}
