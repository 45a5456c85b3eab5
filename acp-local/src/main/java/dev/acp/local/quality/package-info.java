/**
 * Quality scores in [0, 1] that local results report, so that a {@code best_quality} merge of a
 * parallel group picks by a measurement of the output rather than falling back to the first
 * success. The formulas are documented on {@link dev.acp.local.quality.QualityScores}.
 */
@org.jspecify.annotations.NullMarked
package dev.acp.local.quality;
