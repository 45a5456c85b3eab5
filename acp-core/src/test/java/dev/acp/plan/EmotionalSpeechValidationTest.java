package dev.acp.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.pipeline.Problem;
import dev.acp.pipeline.Capability;
import dev.acp.provider.ProviderResult;
import dev.acp.testing.LambdaProvider;
import dev.acp.testing.TestAcp;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The portable emotion parameters of text_to_speech are checked for every provider, and the
 * retired Hume provider is refused with what to use instead.
 */
class EmotionalSpeechValidationTest {
    @TempDir
    Path dir;

    private PlanResult check(String config) {
        TestAcp acp = new TestAcp(dir, Map.of(), LambdaProvider.limitedTo("speaker", Set.of(Capability.TEXT_TO_SPEECH),
                r -> ProviderResult.text("x", Map.of())));
        return acp.check("pipeline_name: t\nsteps:\n  - step_type: text_to_speech\n    provider: speaker\n"
                + "    config: " + config + "\n    output_filename: a.mp3\n");
    }

    private static List<String> rendered(List<Problem> problems) {
        return problems.stream().map(Problem::render).toList();
    }

    @Test
    void should_accept_every_emotion_of_the_closed_set_with_an_intensity_and_a_description() {
        PlanResult r = check("{ text: hi, emotion: excited, intensity: 0.8, description: \"a sports commentator\" }");
        assertThat(r.problems()).isEmpty();
    }

    @Test
    void should_know_openai_style_instructions_as_a_speech_parameter() {
        assertThat(check("{ text: hi, instructions: \"British accent\" }").problems()).isEmpty();
    }

    @Test
    void should_suggest_the_member_a_synonym_or_a_typo_meant() {
        assertThat(rendered(check("{ text: hi, emotion: cheerful }").errors())).singleElement().asString()
                .contains("pipeline.yaml:5:").contains("unknown emotion 'cheerful'").contains("did you mean 'happy'?");
        assertThat(rendered(check("{ text: hi, emotion: exited }").errors())).singleElement().asString()
                .contains("did you mean 'excited'?");
        assertThat(rendered(check("{ text: hi, emotion: bewildered }").errors())).singleElement().asString()
                .contains("unknown emotion 'bewildered'").doesNotContain("did you mean")
                .contains("use one of neutral, happy").contains("config.description");
    }

    @Test
    void should_refuse_an_intensity_outside_zero_to_one_once() {
        assertThat(rendered(check("{ text: hi, emotion: sad, intensity: 1.5 }").errors())).singleElement().asString()
                .contains("config.intensity must be a number from 0 to 1, found '1.5'");
        assertThat(rendered(check("{ text: hi, emotion: sad, intensity: lots }").errors()))
                .as("the type check alone speaks").singleElement().asString()
                .contains("config.intensity must be a number");
    }

    @Test
    void should_warn_about_an_intensity_without_an_emotion() {
        PlanResult r = check("{ text: hi, intensity: 0.3 }");
        assertThat(r.errors()).isEmpty();
        assertThat(rendered(r.warnings())).singleElement().asString()
                .contains("config.intensity has no effect without config.emotion");
    }

    @Test
    void should_leave_an_emotion_from_an_input_to_the_run() {
        TestAcp acp = new TestAcp(dir, Map.of(), LambdaProvider.limitedTo("speaker", Set.of(Capability.TEXT_TO_SPEECH),
                r -> ProviderResult.text("x", Map.of())));
        PlanResult r = acp.check("pipeline_name: t\ninputs:\n  mood: { type: string, default: calm }\nsteps:\n"
                + "  - step_type: text_to_speech\n    provider: speaker\n"
                + "    config: { text: hi, emotion: \"{{inputs.mood}}\" }\n    output_filename: a.mp3\n");
        assertThat(r.errors()).isEmpty();
    }

    @Test
    void should_refuse_the_retired_hume_provider_and_say_what_to_use_instead() {
        TestAcp acp = new TestAcp(dir, Map.of(), LambdaProvider.limitedTo("speaker", Set.of(Capability.TEXT_TO_SPEECH),
                r -> ProviderResult.text("x", Map.of())));
        PlanResult r = acp.check("pipeline_name: t\nsteps:\n  - step_type: text_to_speech\n    provider: hume\n"
                + "    config: { text: hi, emotion: happy }\n    output_filename: a.mp3\n");
        assertThat(rendered(r.errors())).singleElement().asString()
                .contains("pipeline.yaml:4:").contains("provider 'hume' is retired")
                .contains("2026-11-13").contains("emotion/intensity/description on elevenlabs, openai or local");
    }
}
