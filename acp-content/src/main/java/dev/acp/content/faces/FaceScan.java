package dev.acp.content.faces;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The faces found in one file: an image, or the frames sampled from a video. */
public sealed interface FaceScan permits FaceScan.Image, FaceScan.Video {

    /** The file that was scanned. */
    Path file();

    /** Width of the image or video frame in pixels. */
    int width();

    /** Height of the image or video frame in pixels. */
    int height();

    /** Faces in all, over every frame of a video. */
    int faceCount();

    /**
     * The faces of an image.
     *
     * @param faces best first
     */
    record Image(Path file, int width, int height, List<Face> faces) implements FaceScan {
        public Image {
            Objects.requireNonNull(file, "file");
            faces = List.copyOf(faces);
        }

        @Override
        public int faceCount() {
            return faces.size();
        }
    }

    /**
     * The faces of frames sampled from a video at a regular interval.
     *
     * @param everySeconds the interval between sampled frames
     * @param frames the sampled frames in time order, with or without faces
     */
    record Video(Path file, int width, int height, double everySeconds, List<Frame> frames) implements FaceScan {
        public Video {
            Objects.requireNonNull(file, "file");
            frames = List.copyOf(frames);
        }

        @Override
        public int faceCount() {
            return frames.stream().mapToInt(f -> f.faces().size()).sum();
        }

        /** The frame with the most faces (the earliest of equals), if any frame has one. */
        public Optional<Frame> busiestFrame() {
            return frames.stream().filter(f -> !f.faces().isEmpty())
                    .max(Comparator.comparingInt((Frame f) -> f.faces().size())
                            .thenComparing(Comparator.comparingDouble(Frame::seconds).reversed()));
        }
    }

    /**
     * One sampled video frame.
     *
     * @param seconds the frame's time from the start of the video
     * @param faces best first, in the pixels of the full-size frame
     */
    record Frame(double seconds, List<Face> faces) {
        public Frame {
            faces = List.copyOf(faces);
        }
    }
}
