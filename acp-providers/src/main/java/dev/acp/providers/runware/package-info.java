/**
 * The Runware provider: {@link dev.acp.providers.runware.RunwareProviderFactory} creates a job
 * provider for Runware's task API (imageInference, videoInference, getResponse polling), whose
 * client-made task UUIDs are derived from the engine's journaled idempotency keys, so every paid
 * task's handle is on disk before it is sent.
 */
@NullMarked
package dev.acp.providers.runware;

import org.jspecify.annotations.NullMarked;
