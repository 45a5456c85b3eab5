/**
 * Test support shared by the test suites and the benchmark: a provider scripted from pipeline
 * config ({@link dev.acp.testkit.ScriptedProviderFactory}) and, in {@code dev.acp.testkit.jobs},
 * a fake asynchronous paid provider served over HTTP. Never part of the runnable jar.
 */
@NullMarked
package dev.acp.testkit;

import org.jspecify.annotations.NullMarked;
