package dev.acp.content.process;

import dev.acp.content.faces.FaceScan;
import dev.acp.content.quality.QualityReport;
import dev.acp.content.shots.ShotList;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Everything {@link ContentProcessor} learned about one file. A part that does not apply to the
 * file's kind is null, and {@link #notes()} says why where a user might have expected it.
 *
 * @param file the file processed
 * @param kind image, audio, video or text
 * @param metadata size, format, duration, picture size and codecs, or the text's counts
 * @param description the text embedded, or null when the file has none
 * @param embedding that text's embedding, or null without a description
 * @param shots a video's shots (with keyframe files when asked for)
 * @param faces the faces of an image or of frames sampled from a video
 * @param quality the multi-dimensional quality of an image, audio or video file
 * @param placement where the file falls in the index given, or null without one
 * @param notes one line each on what was left out and why
 */
public record ProcessedContent(Path file, ContentKind kind, ContentMetadata metadata, @Nullable Description description,
        @Nullable Embedding embedding, @Nullable ShotList shots, @Nullable FaceScan faces,
        @Nullable QualityReport quality, @Nullable IndexPlacement placement, List<String> notes) {
    public ProcessedContent {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(metadata, "metadata");
        notes = List.copyOf(notes);
    }
}
