/**
 * The ElevenLabs provider ({@code provider: elevenlabs}): {@code text_to_speech} through
 * {@code POST /v1/text-to-speech/{voice_id}}, voices named or given by id, the output format
 * chosen from the output file's extension, the portable emotion mapped onto voice settings and
 * v3 audio tags ({@code EmotionMapping}), and ElevenLabs' error bodies mapped onto
 * {@link dev.acp.error.ErrorKind}. Wire formats are in the {@code internal} package; the API as
 * ACP reads it is described in {@code docs/providers.md}, section 2.
 */
@NullMarked
package dev.acp.providers.elevenlabs;

import org.jspecify.annotations.NullMarked;
