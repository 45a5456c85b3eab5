/**
 * Chat providers over the OpenAI-style {@code POST /chat/completions} API: {@code openrouter}
 * ({@link dev.acp.providers.openai.OpenRouterProviderFactory}) and {@code openai}, which serves
 * OpenAI itself and any OpenAI-compatible server such as Ollama's {@code /v1}
 * ({@link dev.acp.providers.openai.OpenAiProviderFactory}). Both offer {@code prompt_generation},
 * {@code image_understanding} and {@code story_to_scenes} through one client; what differs (key,
 * attribution headers, which token-limit field the server reads, whether calls cost money,
 * governor limits) is carried by a {@code ChatEndpoint} that each factory builds. {@code openai}
 * also offers {@code text_to_speech} ({@code POST /audio/speech}, {@code OpenAiSpeech}, with the
 * portable emotion sent as {@code instructions} by {@code SpeechDelivery}) and
 * {@code text_to_image} ({@code POST /images/generations}, {@code OpenAiImages}) on the same
 * endpoint, so Kokoro-FastAPI or LocalAI work by base URL alone.
 *
 * <p>Calls are paid and not idempotent, so they are sent once ({@link dev.acp.http.HttpCall.Retry#ONCE});
 * retries are the engine's decision, by {@link dev.acp.error.ErrorKind}. Wire records live in
 * {@code internal}.
 */
@NullMarked
package dev.acp.providers.openai;

import org.jspecify.annotations.NullMarked;
