package dev.acp.local.process;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CommandResultTest {

    @Test
    void should_join_the_last_non_blank_lines_of_stderr() {
        CommandResult result = new CommandResult(1, "first\nsecond\n\n  third  \nfourth\n\n");

        assertThat(result.stderrTail(3)).isEqualTo("second | third | fourth");
    }

    @Test
    void should_trim_a_long_tail_to_one_short_line() {
        CommandResult result = new CommandResult(1, "x".repeat(5000));

        assertThat(result.stderrTail(3)).hasSizeLessThanOrEqualTo(400).startsWith("…").doesNotContain("\n");
    }

    @Test
    void should_say_when_there_was_no_error_output() {
        assertThat(new CommandResult(1, "").stderrTail(3)).isEqualTo("(no error output)");
    }
}
