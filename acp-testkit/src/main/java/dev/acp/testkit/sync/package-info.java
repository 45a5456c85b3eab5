/**
 * A fake of the synchronous paid providers (OpenRouter, an OpenAI-compatible server, ElevenLabs
 * and Gemini) served by one {@link dev.acp.testkit.sync.FakeSyncServer}: every billed request is
 * recorded in a ledger at the moment it is billed, before its answer leaves, so that crash tests
 * (the client killed while an answer is on its way, then resumed) can prove that no request was
 * billed twice.
 */
@NullMarked
package dev.acp.testkit.sync;

import org.jspecify.annotations.NullMarked;
