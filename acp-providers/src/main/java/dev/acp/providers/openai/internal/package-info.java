/**
 * Wire records of the OpenAI-style {@code POST /chat/completions} API as OpenRouter, OpenAI and
 * OpenAI-compatible servers (Ollama's {@code /v1}) speak it. Requests leave out absent fields;
 * responses are read tolerantly: every field may be missing, unknown fields are ignored, and
 * fields whose type differs between servers ({@code error.code} is a number on OpenRouter, a
 * string or null elsewhere; {@code message.content} may be text or parts) are kept as JSON trees.
 * Not API: these types change whenever the servers do.
 */
@NullMarked
package dev.acp.providers.openai.internal;

import org.jspecify.annotations.NullMarked;
