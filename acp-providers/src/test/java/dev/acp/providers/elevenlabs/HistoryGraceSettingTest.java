package dev.acp.providers.elevenlabs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.acp.error.UsageException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ACP_ELEVENLABS_HISTORY_GRACE}: how long a resume waits for lost speech to show up in the history. */
class HistoryGraceSettingTest {
    @TempDir
    Path home;

    private Duration grace(Map<String, String> env) {
        return ElevenLabsProviderFactory.historyGrace(TestContexts.context(home, env));
    }

    @Test
    void two_minutes_unless_set_in_seconds() {
        assertThat(grace(Map.of("ACP_ELEVENLABS_HISTORY_GRACE", " "))).as("blank: unset").isEqualTo(Duration.ofMinutes(2));
        assertThat(grace(Map.of())).isEqualTo(Duration.ofMinutes(2));
        assertThat(grace(Map.of("ACP_ELEVENLABS_HISTORY_GRACE", "3"))).isEqualTo(Duration.ofSeconds(3));
        assertThat(grace(Map.of("ACP_ELEVENLABS_HISTORY_GRACE", " 0.5 "))).isEqualTo(Duration.ofMillis(500));
        assertThat(grace(Map.of("ACP_ELEVENLABS_HISTORY_GRACE", "0"))).isZero();
    }

    @Test
    void anything_but_a_number_of_seconds_is_refused_with_the_variable_named() {
        for (String bad : new String[] {"2m", "-1", "NaN", "86401"}) {
            assertThatThrownBy(() -> grace(Map.of("ACP_ELEVENLABS_HISTORY_GRACE", bad))).as(bad)
                    .isInstanceOf(UsageException.class).hasMessageContaining("ACP_ELEVENLABS_HISTORY_GRACE");
        }
    }
}
