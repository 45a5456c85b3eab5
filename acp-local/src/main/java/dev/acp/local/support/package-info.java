/**
 * Small helpers shared by the local engines. {@link dev.acp.local.support.StableHash} turns text
 * and seeds into the same 64-bit number on every machine and every run, which is what makes the
 * preview renderer, the prompt expander and the default camera motion deterministic.
 */
@org.jspecify.annotations.NullMarked
package dev.acp.local.support;
