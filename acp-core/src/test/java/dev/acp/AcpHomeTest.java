package dev.acp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.env.Environment;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where ACP keeps its state: ACP_HOME, else .acp in the HOME of the environment it was given. */
class AcpHomeTest {

    @Test
    void acp_home_wins() {
        Environment env = Environment.of(Map.of("ACP_HOME", "/srv/acp", "HOME", "/home/someone"));
        assertThat(Acp.acpHome(env)).isEqualTo(Path.of("/srv/acp"));
    }

    @Test
    void the_default_follows_home_of_the_injected_environment_not_the_jvms_user_home() {
        Environment env = Environment.of(Map.of("HOME", "/tmp/elsewhere"));
        assertThat(Acp.acpHome(env)).isEqualTo(Path.of("/tmp/elsewhere/.acp"));
        assertThat(Path.of(System.getProperty("user.home"))).isNotEqualTo(Path.of("/tmp/elsewhere"));
    }

    @Test
    void without_home_the_jvms_user_home_is_used() {
        assertThat(Acp.acpHome(Environment.of(Map.of()))).isEqualTo(Path.of(System.getProperty("user.home"), ".acp")
                .toAbsolutePath());
    }
}
