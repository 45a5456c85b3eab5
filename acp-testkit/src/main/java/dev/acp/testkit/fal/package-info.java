/**
 * A look-alike of fal.ai's queue API ({@link dev.acp.testkit.fal.FakeFalServer}) for end-to-end
 * tests and benchmarks of {@code provider: fal}: submissions, polls and downloads are counted, jobs
 * can be held, and a mode echoes credentials back to prove they are masked.
 */
@NullMarked
package dev.acp.testkit.fal;

import org.jspecify.annotations.NullMarked;
