/**
 * Test support shared by the test suites and the benchmark: a provider scripted from pipeline
 * config ({@link dev.acp.testkit.ScriptedProviderFactory}). Never part of the runnable jar.
 */
@NullMarked
package dev.acp.testkit;

import org.jspecify.annotations.NullMarked;
