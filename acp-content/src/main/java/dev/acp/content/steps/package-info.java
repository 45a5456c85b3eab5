/**
 * The {@code content} provider: the content-analysis pipeline steps ({@code analyze_video},
 * {@code detect_faces}, {@code embed_text}, {@code search_similar}, {@code cluster_content},
 * {@code score_quality}) on this module's engines. Each answers JSON whose one list field
 * ({@code shots}, {@code faces}, {@code embeddings}, {@code hits}, {@code clusters},
 * {@code scores}) later steps use as {@code {{steps.<id>.items}}}.
 */
@NullMarked
package dev.acp.content.steps;

import org.jspecify.annotations.NullMarked;
