/**
 * Replicate wire forms (providers.md 7): predictions, uploaded files, and the form of the
 * provider's model catalog ({@code models.yaml}). Read with the tolerant
 * {@link dev.acp.providers.support.Json#MAPPER}; not part of ACP's API.
 */
@NullMarked
package dev.acp.providers.replicate.internal;

import org.jspecify.annotations.NullMarked;
