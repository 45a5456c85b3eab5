/**
 * The fal.ai provider: {@link dev.acp.providers.fal.FalProviderFactory} creates a job provider
 * for fal's queue API (submit, poll, fetch, cancel), with a model catalog as data
 * ({@code models.yaml}), uploads of local inputs to fal storage, and fal's error types mapped
 * onto ACP's one classification.
 */
@NullMarked
package dev.acp.providers.fal;

import org.jspecify.annotations.NullMarked;
