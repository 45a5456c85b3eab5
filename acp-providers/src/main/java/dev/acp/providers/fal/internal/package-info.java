/**
 * fal.ai wire forms: the JSON of the queue API and of storage uploads, and the form of the
 * provider's model catalog ({@code models.yaml}). Read with the tolerant
 * {@link dev.acp.providers.support.Json#MAPPER}; not part of ACP's API.
 */
@NullMarked
package dev.acp.providers.fal.internal;

import org.jspecify.annotations.NullMarked;
