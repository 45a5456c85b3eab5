/**
 * Rule-based text generation, offline and deterministic. {@link dev.acp.local.text.PromptExpander}
 * enriches a short prompt with subject detail, setting, lighting, composition, lens or medium and
 * quality descriptors from curated vocabularies, chosen by a hash of the input and a seed. It is
 * not a language model and says so in its results.
 */
@org.jspecify.annotations.NullMarked
package dev.acp.local.text;
