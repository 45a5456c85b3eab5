package dev.acp.env;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretsTest {

    @Test
    void should_mask_values_of_secret_variables_only() {
        Secrets s = Secrets.from(Environment.of(Map.of(
                "FAL_KEY", "fal-0123456789", "REPLICATE_API_TOKEN", "r8_abcdefghij", "DB_PASSWORD", "hunter2hunter2",
                "PWD", "/home/ada/project", "OLDPWD", "/home/ada", "SSH_AUTH_SOCK", "/tmp/ssh-agent.sock",
                "SHORT_KEY", "abc", "CUSTOM", "custom-secret-value")), List.of("CUSTOM"));
        assertThat(s.redact("fal-0123456789 r8_abcdefghij hunter2hunter2 custom-secret-value"))
                .isEqualTo("**** **** **** ****");
        assertThat(s.redact("/home/ada/project and /tmp/ssh-agent.sock and abc"))
                .isEqualTo("/home/ada/project and /tmp/ssh-agent.sock and abc");
    }

    @Test
    void should_mask_the_longer_of_two_overlapping_secrets_whole() {
        Secrets s = Secrets.from(Environment.of(Map.of("A_KEY", "secret-part", "B_KEY", "secret-part-and-more")),
                List.of());
        assertThat(s.redact("x secret-part-and-more y")).isEqualTo("x **** y");
    }
}
