package dev.acp.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.acp.env.Environment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateTest {

    @Test
    void should_parse_every_reference_kind_with_optional_spaces() throws TemplateSyntaxException {
        Template t = Template.parse("{{ steps.hero.output }} and {{steps.idea.text}} for {{inputs.topic}} in {{env.CITY}}");
        assertThat(t.references()).containsExactly(
                new Reference.StepRef("hero", Reference.StepField.OUTPUT),
                new Reference.StepRef("idea", Reference.StepField.TEXT),
                new Reference.InputRef("topic"),
                new Reference.EnvRef("CITY"));
    }

    @Test
    void should_keep_the_type_of_a_single_reference_and_concatenate_otherwise() throws TemplateSyntaxException {
        Template.Resolver values = r -> r instanceof Reference.InputRef ? 6L : "x";
        assertThat(Template.parse("{{inputs.duration}}").render(values)).isEqualTo(6L);
        assertThat(Template.parse("{{inputs.duration}} s").render(values)).isEqualTo("6 s");
        assertThat(Template.parse("literal \\{{ braces").render(values)).isEqualTo("literal {{ braces");
    }

    @Test
    void should_reject_malformed_references_with_a_fix() {
        assertThatThrownBy(() -> Template.parse("{{steps.a.outptu}}")).isInstanceOf(TemplateSyntaxException.class)
                .hasMessageContaining("unknown step field 'outptu'")
                .satisfies(e -> assertThat(((TemplateSyntaxException) e).fix()).contains("did you mean 'steps.a.output'?"));
        assertThatThrownBy(() -> Template.parse("open {{steps.a.output")).hasMessageContaining("never closed");
        assertThatThrownBy(() -> Template.parse("{{}}")).hasMessageContaining("empty reference");
        assertThatThrownBy(() -> Template.parse("{{steps.a}}")).hasMessageContaining("is not a step reference");
        assertThatThrownBy(() -> Template.parse("{{input.a}}"))
                .satisfies(e -> assertThat(((TemplateSyntaxException) e).fix()).isEqualTo("did you mean 'inputs'?"));
    }

    @Test
    void should_substitute_environment_variables_with_defaults_and_escapes() {
        Environment env = Environment.of(Map.of("USER_NAME", "ada"));
        assertThat(EnvSubstitution.apply("hi ${USER_NAME}, ${MISSING:-friend} $${KEEP}", env))
                .isEqualTo(new EnvSubstitution.Result("hi ada, friend ${KEEP}", List.of(), List.of()));
        EnvSubstitution.Result r = EnvSubstitution.apply("${NOPE} ${bad name}", env);
        assertThat(r.missing()).containsExactly("NOPE");
        assertThat(r.malformed()).containsExactly("${bad name}");
    }
}
