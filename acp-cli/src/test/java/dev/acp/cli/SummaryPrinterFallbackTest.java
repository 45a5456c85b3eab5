package dev.acp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.engine.RunResult;
import dev.acp.engine.RunStatus;
import dev.acp.engine.StepResult;
import dev.acp.engine.StepStatus;
import dev.acp.report.RunReportWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The console summary names every switch to a fallback alternative and what the abandoned providers cost. */
class SummaryPrinterFallbackTest {

    @Test
    void switches_refusals_and_fallback_spend_are_printed() {
        Map<String, Object> sw = Map.of("from_provider", "fal", "from_model", "flux-dev", "provider", "fal", "model",
                "imagen-4", "error_kind", "transient", "error", "HTTP 503", "at", "2026-11-22T10:00:00Z", "cost", "0.03");
        StepResult hero = new StepResult("hero", "text_to_image", null, "fal", "imagen-4", StepStatus.SUCCEEDED,
                Path.of("/tmp/out/hero.png"), null, Map.of("fallbacks", List.of(sw), "fallback_cost",
                        new BigDecimal("0.03")), null, null, Instant.EPOCH, Duration.ofSeconds(3), 3,
                new BigDecimal("0.03"), new BigDecimal("0.07"), null, false, null, List.of());
        StepResult poster = new StepResult("poster", "text_to_image", null, "fal", "flux-dev", StepStatus.FAILED, null,
                null, Map.of("fallback_refused", Map.of("provider", "runware", "model", "runware:101@1", "reason",
                        "run limit")), new dev.acp.engine.ErrorInfo(dev.acp.error.ErrorKind.TRANSIENT, "HTTP 503;"
                        + " fallback to runware/runware:101@1 refused: would exceed the limit", null), null,
                Instant.EPOCH, Duration.ofSeconds(1), 1, null, null, null, false, null, List.of());
        RunResult run = new RunResult("r1", "p", RunStatus.PARTIAL, Path.of("/tmp/out"), Instant.EPOCH,
                Duration.ofSeconds(4), List.of(hero, poster), List.of("poster"));
        StringWriter text = new StringWriter();
        SummaryPrinter printer = new SummaryPrinter(new PrintWriter(text, true), Terminal.plain(), Path.of("/tmp"));
        printer.print(null, run, null);
        printer.printCosts(run, RunReportWriter.Extras.NONE);

        assertThat(text.toString())
                .contains("Fallbacks:")
                .contains("hero: fal/flux-dev -> fal/imagen-4 after transient (the failed calls cost $0.03)")
                .contains("poster: fallback to runware/runware:101@1 refused: would exceed the limit")
                .contains("Spent at providers abandoned for a fallback: $0.03");
    }
}
