package dev.acp.providers.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The per-step memory of rejected answers that the chat providers and Gemini share. */
final class RepairMemoryTest {

    @Test
    void remembers_a_rejected_answer_per_step_until_it_is_forgotten() {
        RepairMemory memory = new RepairMemory();
        memory.remember("scenes", "Sure! Here are the scenes.", "the answer is not JSON");

        assertThat(memory.previous("scenes")).contains(
                new RepairMemory.Unusable("Sure! Here are the scenes.", "the answer is not JSON"));
        assertThat(memory.previous("other")).isEmpty();

        memory.forget("scenes");
        assertThat(memory.previous("scenes")).isEmpty();
    }

    @Test
    void caps_the_answer_it_keeps_so_a_long_one_does_not_double_the_next_prompt() {
        RepairMemory memory = new RepairMemory();
        memory.remember("scenes", "x".repeat(RepairMemory.MAX_ANSWER_CHARS + 5), "too long");

        assertThat(memory.previous("scenes").orElseThrow().answer()).hasSize(RepairMemory.MAX_ANSWER_CHARS);
    }

    @Test
    void forgets_the_least_recently_used_step_beyond_its_bound() {
        RepairMemory memory = new RepairMemory();
        for (int i = 0; i <= RepairMemory.MAX_STEPS; i++) {
            memory.remember("step" + i, "answer", "reason");
        }

        assertThat(memory.previous("step0")).isEmpty();
        assertThat(memory.previous("step1")).isPresent();
        assertThat(memory.previous("step" + RepairMemory.MAX_STEPS)).isPresent();
    }

    @Test
    void the_repair_request_names_the_reason_and_asks_for_json_by_the_schema() {
        assertThat(new RepairMemory.Unusable("a", "the answer is not JSON").repairRequest()).isEqualTo(
                "Your previous answer was not usable: the answer is not JSON. Answer again with JSON only that"
                        + " matches the schema.");
    }
}
