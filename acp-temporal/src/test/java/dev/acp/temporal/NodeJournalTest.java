package dev.acp.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.Acp;
import dev.acp.engine.ResumeState;
import dev.acp.env.Environment;
import dev.acp.plan.ExecutionPlan;
import dev.acp.plan.PlannedTask;
import dev.acp.plan.RunSettings;
import dev.acp.provider.JobHandle;
import dev.acp.run.Journal;
import dev.acp.run.JournalRecorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a retried activity finds in its node's journal: a job whose handle was recorded is
 * re-attached (never submitted again); a submission whose answer was lost stays a submission
 * with its key (sent again only to providers that deduplicate by it).
 */
class NodeJournalTest {
    @TempDir
    Path dir;

    @Test
    void aRecordedJobIsReattachedAndALostSubmissionKeepsItsKey() throws Exception {
        Path file = dir.resolve("p.yaml");
        Files.writeString(file, """
                pipeline_name: jobs
                steps:
                  - { id: a, step_type: text_to_image, provider: scripted, config: { prompt: one } }
                  - { id: b, step_type: text_to_image, provider: scripted, depends_on: [], config: { prompt: two } }
                """);
        Acp acp = Acp.create(Environment.of(Map.of("ACP_HOME", dir.resolve("home").toString())));
        ExecutionPlan plan = acp.plan(file, RunSettings.run(dir));
        PlannedTask a = plan.tasks().get(0);
        PlannedTask b = plan.tasks().get(1);
        Path journalFile = dir.resolve("node.jsonl");
        try (Journal journal = Journal.open(journalFile)) {
            JournalRecorder recorder = new JournalRecorder(journal, Clock.systemUTC());
            recorder.stepStarted(a, 1, true);
            recorder.jobSubmitting(a, 1, "run/s1/a/1");
            recorder.jobSubmitted(a, 1, "run/s1/a/1", JobHandle.of("scripted", "job-7"));
            recorder.stepStarted(b, 1, true);
            recorder.jobSubmitting(b, 1, "run/s1/b/1");
        }

        Map<String, ResumeState.Prior> priors = NodeJournal.priors(journalFile);

        assertThat(priors.get("a")).isEqualTo(new ResumeState.Attached(1, "run/s1/a/1",
                JobHandle.of("scripted", "job-7")));
        assertThat(priors.get("b")).isEqualTo(new ResumeState.Submitting(1, "run/s1/b/1"));
        assertThat(NodeJournal.priors(dir.resolve("none.jsonl"))).isEmpty();
    }
}
