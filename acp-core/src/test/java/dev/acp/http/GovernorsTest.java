package dev.acp.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.acp.config.AcpConfig;
import dev.acp.env.Environment;
import dev.acp.error.UsageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Where each provider's limits come from: defaults, then config.yaml, then ACP_<PROVIDER>_* variables. */
class GovernorsTest {
    private static final Governor.Settings DEFAULTS = new Governor.Settings(4, 10, 2);

    @TempDir
    Path home;

    private static Governors governors(Map<String, String> env, AcpConfig config) {
        return new Governors(Environment.of(env), config, Clock.systemUTC(), d -> {});
    }

    private AcpConfig config(String yaml) throws IOException {
        Files.writeString(home.resolve(AcpConfig.FILE_NAME), yaml);
        return AcpConfig.load(home);
    }

    @Test
    void should_use_the_provider_defaults_when_nothing_is_set() {
        Governor g = governors(Map.of(), AcpConfig.empty()).of("fal", DEFAULTS);
        assertThat(g.settings()).isEqualTo(DEFAULTS);
        assertThat(g.provider()).isEqualTo("fal");
        assertThat(governors(Map.of(), AcpConfig.empty()).of("fal").settings()).isEqualTo(Governor.Settings.defaults());
    }

    @Test
    void should_read_the_limits_from_config_yaml() throws IOException {
        AcpConfig config = config("""
                providers:
                  fal: { max_concurrency: 8, max_jobs: 40, requests_per_second: 10 }
                """);
        assertThat(governors(Map.of(), config).of("fal", DEFAULTS).settings())
                .isEqualTo(new Governor.Settings(8, 40, 10));
    }

    @Test
    void should_keep_defaults_for_limits_config_yaml_leaves_out() throws IOException {
        AcpConfig config = config("""
                providers:
                  fal: { max_jobs: 40 }
                """);
        assertThat(governors(Map.of(), config).of("fal", DEFAULTS).settings())
                .isEqualTo(new Governor.Settings(4, 40, 2));
    }

    @Test
    void should_let_environment_variables_win_over_config_yaml() throws IOException {
        AcpConfig config = config("""
                providers:
                  fal: { max_concurrency: 8, max_jobs: 40, requests_per_second: 10 }
                """);
        Map<String, String> env = Map.of("ACP_FAL_MAX_CONCURRENCY", "3", "ACP_FAL_MAX_JOBS", "7", "ACP_FAL_RPS", "0.5");
        assertThat(governors(env, config).of("fal", DEFAULTS).settings()).isEqualTo(new Governor.Settings(3, 7, 0.5));
    }

    @Test
    void should_read_one_variable_without_the_others() {
        Governor g = governors(Map.of("ACP_FAL_RPS", " 12.5 "), AcpConfig.empty()).of("fal", DEFAULTS);
        assertThat(g.settings()).isEqualTo(new Governor.Settings(4, 10, 12.5));
    }

    @Test
    void should_lift_the_rate_cap_when_the_variable_says_none() {
        Governor g = governors(Map.of("ACP_FAL_RPS", "None"), AcpConfig.empty()).of("fal", DEFAULTS);
        assertThat(g.settings()).isEqualTo(Governor.Settings.uncapped(4, 10));
    }

    @Test
    void should_name_variables_after_the_provider_id_in_upper_case_with_underscores() {
        Governor g = governors(Map.of("ACP_OPENAI_COMPAT_MAX_CONCURRENCY", "2", "ACP_OPENAI-COMPAT_MAX_CONCURRENCY", "9"),
                AcpConfig.empty()).of("openai-compat", DEFAULTS);
        assertThat(g.settings().maxConcurrentRequests()).isEqualTo(2);
    }

    @Test
    void should_ignore_variables_of_other_providers_and_blank_values() {
        Governor g = governors(Map.of("ACP_ELEVENLABS_MAX_CONCURRENCY", "1", "ACP_FAL_MAX_JOBS", "  "),
                AcpConfig.empty()).of("fal", DEFAULTS);
        assertThat(g.settings()).isEqualTo(DEFAULTS);
    }

    @Test
    void should_give_one_governor_per_provider_for_the_whole_process() {
        Governors gs = governors(Map.of(), AcpConfig.empty());
        Governor fal = gs.of("fal", DEFAULTS);
        assertThat(gs.of("fal", Governor.Settings.defaults())).isSameAs(fal);
        assertThat(gs.of("fal")).isSameAs(fal);
        assertThat(gs.of("replicate", DEFAULTS)).isNotSameAs(fal);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ACP_FAL_MAX_CONCURRENCY | 0",
        "ACP_FAL_MAX_CONCURRENCY | -2",
        "ACP_FAL_MAX_CONCURRENCY | many",
        "ACP_FAL_MAX_CONCURRENCY | 2.5",
        "ACP_FAL_MAX_CONCURRENCY | 0.5",
        "ACP_FAL_MAX_CONCURRENCY | 3000000000",
        "ACP_FAL_MAX_JOBS | 1e3",
        "ACP_FAL_MAX_JOBS | 0",
        "ACP_FAL_RPS | 0",
        "ACP_FAL_RPS | -1",
        "ACP_FAL_RPS | fast",
        "ACP_FAL_RPS | NaN",
        "ACP_FAL_RPS | Infinity",
    })
    void should_refuse_a_bad_value_naming_the_variable(String name, String value) {
        Governors gs = governors(Map.of(name, value), AcpConfig.empty());
        assertThatThrownBy(() -> gs.of("fal", DEFAULTS))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining(name)
                .hasMessageContaining("'" + value + "'");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "max_concurrency: 0",
        "max_concurrency: 2.5",
        "max_jobs: many",
        "requests_per_second: 0",
        "requests_per_second: fast",
    })
    void should_refuse_a_bad_value_in_config_yaml_naming_the_key(String setting) throws IOException {
        Files.writeString(home.resolve(AcpConfig.FILE_NAME), "providers:\n  fal: { " + setting + " }\n");
        String key = setting.substring(0, setting.indexOf(':'));
        assertThatThrownBy(() -> AcpConfig.load(home))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("providers.fal." + key);
    }
}
