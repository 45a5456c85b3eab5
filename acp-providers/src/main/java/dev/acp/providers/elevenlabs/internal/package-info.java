/**
 * ElevenLabs wire formats: the JSON bodies ACP sends and the parts of the answers it reads.
 * Records only; unknown fields in answers are ignored because the API adds fields often.
 */
@NullMarked
package dev.acp.providers.elevenlabs.internal;

import org.jspecify.annotations.NullMarked;
