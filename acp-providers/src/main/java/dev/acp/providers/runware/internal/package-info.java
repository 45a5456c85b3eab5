/**
 * Runware wire forms (providers.md 4): the items of a task answer, its error objects, and the
 * form of the provider's model catalog ({@code models.yaml}). Read with the tolerant
 * {@link dev.acp.providers.support.Json#MAPPER}; not part of ACP's API.
 */
@NullMarked
package dev.acp.providers.runware.internal;

import org.jspecify.annotations.NullMarked;
