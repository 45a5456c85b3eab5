package dev.acp.batch;

import dev.acp.cost.PipelineEstimate;

/** One row's estimate, as {@code acp batch estimate} lists it. */
public record RowEstimate(BatchRow row, PipelineEstimate estimate) {}
