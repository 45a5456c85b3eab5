/**
 * Offline content analysis: text embeddings and similarity search, shot detection, faces,
 * clustering and quality scores, used by the {@code acp content} commands and the content
 * pipeline steps. Everything runs on this machine: no provider is called and nothing is paid.
 */
@NullMarked
package dev.acp.content;

import org.jspecify.annotations.NullMarked;
