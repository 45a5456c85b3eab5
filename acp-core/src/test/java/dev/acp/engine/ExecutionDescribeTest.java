package dev.acp.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A step that dies of a Java error gets a message a user can act on, never a class name. */
class ExecutionDescribeTest {
    @Test
    void running_out_of_memory_says_how_much_there_was_and_how_to_give_more() {
        String message = Execution.describe(new OutOfMemoryError("Java heap space"));

        assertThat(message).startsWith("ran out of memory").contains(" MB").contains("ACP_JAVA_OPTS=-Xmx2g")
                .contains("resume").doesNotContain("OutOfMemoryError");
    }

    @Test
    void any_other_defect_is_an_internal_error_with_its_detail_and_no_class_name() {
        assertThat(Execution.describe(new IllegalStateException("queue closed")))
                .isEqualTo("an internal error (queue closed); please report it with the run's journal");
        assertThat(Execution.describe(new NullPointerException())).contains("no detail")
                .doesNotContain("NullPointerException");
    }
}
