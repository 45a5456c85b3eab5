/**
 * The Replicate provider: {@link dev.acp.providers.replicate.ReplicateProviderFactory} creates a
 * job provider for Replicate predictions of any model ({@code owner/name[:version]}), with a small
 * catalog of well-known models and their input mappings as data ({@code models.yaml}), uploads of
 * local inputs to Replicate's files API, and outputs downloaded as soon as a prediction succeeds.
 */
@NullMarked
package dev.acp.providers.replicate;

import org.jspecify.annotations.NullMarked;
