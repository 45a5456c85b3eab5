/**
 * Multi-dimensional quality scores of image, audio and video files: each dimension is a named raw
 * measurement with its unit and a 0..1 score, and an overall score ranks takes of the same kind.
 * The formulas are in the module README (Quality section).
 */
@NullMarked
package dev.acp.content.quality;

import org.jspecify.annotations.NullMarked;
