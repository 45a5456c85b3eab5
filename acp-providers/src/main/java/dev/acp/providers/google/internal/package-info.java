/**
 * Gemini API wire forms (providers.md 6): the answers of {@code generateContent}, long-running
 * operations, uploaded files and errors. Read with the tolerant
 * {@link dev.acp.providers.support.Json#MAPPER}; not part of ACP's API.
 */
@NullMarked
package dev.acp.providers.google.internal;

import org.jspecify.annotations.NullMarked;
