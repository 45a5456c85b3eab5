package dev.acp.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.pipeline.Problem;
import dev.acp.provider.Provider;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderFactory;
import dev.acp.provider.ProviderResult;
import dev.acp.testing.LambdaProvider;
import dev.acp.testing.TestAcp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18, credentials: {@code {{env.X}}} and {@code ${X}} never put a credential into a
 * pipeline, with an error at the value's file:line:column, unless config.yaml allows a
 * secret-looking name that is not a provider's key.
 */
class TemplateSecretsTest {
    private static final String KEY = "sk-acme-0123456789abcdef";

    @TempDir
    Path dir;

    /** A provider that reads its key from ACME_AUTH, a name that does not look secret. */
    private static ProviderFactory acme() {
        LambdaProvider inner = LambdaProvider.free("acme", r -> ProviderResult.text("ok", Map.of()));
        return new ProviderFactory() {
            @Override
            public String id() {
                return "acme";
            }

            @Override
            public Set<dev.acp.pipeline.Capability> capabilities() {
                return inner.capabilities();
            }

            @Override
            public List<String> credentialVariables() {
                return List.of("ACME_AUTH");
            }

            @Override
            public Provider create(ProviderContext context) {
                return inner;
            }
        };
    }

    private TestAcp acp(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of("ACME_AUTH", KEY, "BRAND_KEY", "lighthouse-blue",
                "DB_PASSWORD_FILE", "/run/db", "GITHUB_TOKEN", "ghp_0123456789", "CLIENT_SECRET", "abcdefgh123",
                "COPY_OF_AUTH", "prefix-" + KEY, "TOWN", "Oslo"));
        env.putAll(extra);
        return new TestAcp(dir, env, acme());
    }

    private List<String> errors(TestAcp acp, String prompt) {
        return acp.check("""
                pipeline_name: t
                steps:
                  - id: idea
                    step_type: prompt_generation
                    provider: acme
                    config:
                      prompt: "%s"
                """.formatted(prompt)).errors().stream().map(Problem::render).toList();
    }

    @Test
    void a_providers_key_variable_is_refused_in_both_forms_at_the_values_location() {
        TestAcp acp = acp(Map.of());
        assertThat(errors(acp, "leak {{env.ACME_AUTH}}")).singleElement().asString()
                .startsWith(dir.resolve("pipeline.yaml") + ":7:15: error: step 'idea': {{env.ACME_AUTH}}: environment"
                        + " variable ACME_AUTH holds a provider's API key and is never put into a pipeline")
                .contains("(fix: remove the reference; providers read their keys themselves)")
                .doesNotContain(KEY);
        assertThat(errors(acp, "leak ${ACME_AUTH}")).singleElement().asString()
                .startsWith(dir.resolve("pipeline.yaml") + ":7:15: error: step 'idea': environment variable"
                        + " ACME_AUTH holds a provider's API key")
                .contains("(used as ${ACME_AUTH})")
                .doesNotContain(KEY);
    }

    @Test
    void secret_looking_names_are_refused_even_unset_or_with_a_default() {
        TestAcp acp = acp(Map.of());
        for (String ref : List.of("{{env.BRAND_KEY}}", "${BRAND_KEY}", "${UNSET_API_KEY:-x}", "{{env.GITHUB_TOKEN}}",
                "${CLIENT_SECRET}", "${DB_PASSWORD_FILE}", "${mypassword}")) {
            assertThat(errors(acp, ref)).as(ref).singleElement().asString()
                    .contains("looks like a credential (by its name) and is not put into a pipeline")
                    .contains("template_variables: [")
                    .contains(dir.resolve("acp-home/config.yaml").toString());
        }
    }

    @Test
    void an_innocent_name_holding_a_providers_key_is_refused_and_an_ordinary_variable_is_fine() {
        TestAcp acp = acp(Map.of());
        assertThat(errors(acp, "{{env.COPY_OF_AUTH}}")).singleElement().asString()
                .contains("environment variable COPY_OF_AUTH holds the value of ACME_AUTH").doesNotContain(KEY);
        assertThat(errors(acp, "a town: {{env.TOWN}} and ${TOWN}")).isEmpty();
    }

    @Test
    void config_yaml_allows_a_secret_looking_name_but_never_a_providers_key() throws IOException {
        Files.createDirectories(dir.resolve("acp-home"));
        Files.writeString(dir.resolve("acp-home/config.yaml"), "template_variables: [BRAND_KEY, ACME_AUTH]\n");
        TestAcp acp = acp(Map.of());
        assertThat(errors(acp, "{{env.BRAND_KEY}} ${BRAND_KEY}")).isEmpty();
        assertThat(errors(acp, "${ACME_AUTH}")).singleElement().asString()
                .contains("ACME_AUTH holds a provider's API key");
        PlanResult r = acp.check("""
                pipeline_name: t
                steps:
                  - { id: idea, step_type: prompt_generation, provider: acme, config: { prompt: "${BRAND_KEY}" } }
                """);
        assertThat(r.plan().tasks().get(0).spec().config().get("prompt")).isEqualTo("lighthouse-blue");
    }

    @Test
    void a_credential_in_an_output_filename_or_the_pipeline_name_is_refused() {
        TestAcp acp = acp(Map.of());
        List<String> e = acp.check("""
                pipeline_name: "run ${GITHUB_TOKEN}"
                output_directory: "out-{{env.TOWN}}"
                steps:
                  - id: pic
                    step_type: text_to_image
                    provider: acme
                    config: { prompt: x }
                    output_filename: "{{env.BRAND_KEY}}.png"
                """).errors().stream().map(Problem::render).toList();
        assertThat(e).anySatisfy(m -> assertThat(m).contains(":1:16: error: environment variable GITHUB_TOKEN looks"
                + " like a credential"));
        assertThat(e).anySatisfy(m -> assertThat(m).contains(":8:22: error: step 'pic': {{env.BRAND_KEY}}:"
                + " environment variable BRAND_KEY looks like a credential"));
        assertThat(String.join("\n", e)).doesNotContain("ghp_0123456789").doesNotContain("lighthouse-blue");
    }

    @Test
    void template_variables_in_config_yaml_must_be_a_list_of_names_with_file_line_and_column() {
        assertThat(dev.acp.config.AcpConfig.parse("template_variables: [BRAND_KEY, LOGO_TOKEN]\n", "c.yaml")
                .templateVariables()).containsExactly("BRAND_KEY", "LOGO_TOKEN");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> dev.acp.config.AcpConfig.parse(
                        "template_variables: BRAND_KEY\n", "c.yaml"))
                .hasMessage("c.yaml:1:21: error: template_variables must be a list of environment variable names,"
                        + " found text \"BRAND_KEY\" (fix: write for example 'template_variables: [MY_BRAND_KEY]')");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> dev.acp.config.AcpConfig.parse(
                        "template_variables:\n  - OK_KEY\n  - \"not a name\"\n", "c.yaml"))
                .hasMessageStartingWith("c.yaml:3:5: error: template_variables lists text \"not a name\", not an"
                        + " environment variable name");
    }
}
