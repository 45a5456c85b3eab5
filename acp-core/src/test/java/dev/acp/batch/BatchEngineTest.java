package dev.acp.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.acp.error.UsageException;
import dev.acp.provider.ProviderResult;
import dev.acp.run.RunEngine;
import dev.acp.testing.LambdaProvider;
import dev.acp.testing.TestAcp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch's rows on another engine ({@link BatchRunner#engine}): every row's run is handed to it
 * after the run path checked it, and the batch resumes only on the engine it started on, where its
 * rows' jobs are recorded. (The engine on Temporal: acp-temporal's TemporalBatchTest.)
 */
class BatchEngineTest {
    @TempDir
    Path dir;

    @Test
    void rowsGoToTheBatchsEngineAndAResumeOnAnotherEngineIsRefused() throws Exception {
        AtomicInteger localCalls = new AtomicInteger();
        TestAcp acp = new TestAcp(dir, Map.of("ACP_HOME", dir.resolve("home").toString()),
                LambdaProvider.free("free", r -> {
                    localCalls.incrementAndGet();
                    return ProviderResult.text("ok", Map.of());
                }));
        acp.write("p.yaml", """
                pipeline_name: rows
                output_directory: out
                inputs:
                  topic: { type: string }
                steps:
                  - { id: a, step_type: prompt_generation, provider: free, config: { prompt: "{{inputs.topic}}" } }
                """);
        Files.writeString(dir.resolve("rows.csv"), "id,topic\nr1,one\nr2,two\n");
        AtomicInteger handed = new AtomicInteger();
        RunEngine unreachable = (request, meta, snapshot) -> {
            handed.incrementAndGet();
            throw new UsageException("cannot reach the engine");
        };

        BatchOutcome o = BatchRunner.newBatch(acp.acp(), Path.of("p.yaml"), Path.of("rows.csv"), dir)
                .concurrency(1).engine("elsewhere", unreachable).start().await();

        assertThat(handed).hasValue(2);
        assertThat(localCalls).hasValue(0);
        assertThat(o.count(RowStatus.FAILED)).isEqualTo(2);
        assertThat(Files.readString(dir.resolve("out/batch.csv"))).contains("cannot reach the engine");
        assertThatThrownBy(() -> BatchRunner.resume(acp.acp(), o.batchId(), dir).retryFailed(true).start())
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("ran its rows with --engine elsewhere; resume it the same way");
        assertThat(localCalls).hasValue(0);
    }
}
