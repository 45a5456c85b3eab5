package dev.acp.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.acp.error.ProviderException;
import dev.acp.local.speech.Prosody;
import dev.acp.provider.Emotion;
import dev.acp.provider.Provider.Issue;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the offline engines read the portable emotion parameters: rate and pitch, and what they cannot do. */
class TextToSpeechPlanTest {

    @Test
    void should_colour_the_steps_speed_with_the_emotion_at_its_intensity() {
        TextToSpeechHandler.Plan plan = TextToSpeechHandler.plan(Params.forExecute(Map.of("text", "Hi.", "speed", 1.2,
                "emotion", "sad", "intensity", 0.8)));

        assertThat(plan.prosody()).isEqualTo(new Prosody(1.2, 1).withEmotion(Emotion.SAD, 0.8));
        assertThat(plan.prosody().speed()).isLessThan(1.2);
        assertThat(plan.emotionApplied()).isTrue();
        assertThat(plan.emotionNote()).contains("'sad' approximated with speaking rate and pitch");
    }

    @Test
    void should_warn_at_validation_that_a_description_is_not_followed() {
        Params p = Params.forCheck(Map.of("text", "Hi.", "description", "a tired narrator"));
        TextToSpeechHandler.Plan plan = TextToSpeechHandler.plan(p);

        assertThat(p.issues()).singleElement().satisfies(i -> {
            assertThat(i.isWarning()).isTrue();
            assertThat(i.parameter()).isEqualTo("description");
        });
        assertThat(plan.emotionApplied()).isFalse();
        assertThat(plan.prosody()).isEqualTo(Prosody.NORMAL);
    }

    @Test
    void should_stop_at_run_time_on_an_emotion_outside_the_set() {
        Params p = Params.forExecute(Map.of("text", "Hi.", "emotion", "joyful"));
        TextToSpeechHandler.plan(p);

        assertThat(p.issues()).extracting(Issue::message).containsExactly("unknown emotion 'joyful'");
        assertThatThrownBy(p::throwIfInvalid).isInstanceOf(ProviderException.class)
                .hasMessageContaining("did you mean 'happy'?");
    }

    @Test
    void should_not_fail_a_step_for_a_warning() throws Exception {
        Params p = Params.forCheck(Map.of("text", "Hi.", "description", "x"));
        TextToSpeechHandler.plan(p);
        p.throwIfInvalid();
    }
}
