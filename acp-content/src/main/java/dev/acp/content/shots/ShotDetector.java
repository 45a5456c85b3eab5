package dev.acp.content.shots;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.local.media.Ffmpeg;
import dev.acp.local.media.MediaInfo;
import dev.acp.local.media.MediaProbe;
import dev.acp.local.media.MediaStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Splits a video into shots.
 *
 * <p>The video is decoded once: ffmpeg scales every frame to a 64 x 36 RGB thumbnail and pipes
 * it here, where it measures each frame (change from the previous frame, ffmpeg's
 * scene score, colour histogram, mean luma, and how far the frame is from a blend of the frames
 * half a second before and after it), then finds cuts, dissolves and
 * fades from those measurements.
 *
 * <p>Each shot's keyframe is the frame with the least motion (the smallest change to and from its
 * neighbours) in the middle half of the shot, the nearer the middle on a tie: away from the
 * transitions at both ends, and as sharp as the shot gets.
 *
 * <p>Thread-safe; each call runs its own ffmpeg.
 */
public final class ShotDetector {
    /** The half-width of the blend test, in seconds: a window of one second finds dissolves of up to about two. */
    static final double SPAN_SECONDS = 0.5;

    private final Ffmpeg ffmpeg;
    private final MediaProbe probe;

    public ShotDetector(Ffmpeg ffmpeg) {
        this.ffmpeg = Objects.requireNonNull(ffmpeg, "ffmpeg");
        this.probe = new MediaProbe(ffmpeg);
    }

    /**
     * The shots of {@code video}.
     *
     * @throws ProviderException {@link ErrorKind#VALIDATION} when the file does not exist;
     *     {@link ErrorKind#LOCAL} when it is empty, not a readable video, has no video stream or
     *     no frame could be decoded; each message names the file and what to do
     */
    public ShotList detect(Path video, ShotOptions options) throws ProviderException, InterruptedException {
        Objects.requireNonNull(options, "options");
        MediaStream.Video stream = videoStream(video);
        double fps = stream.fps() != null && stream.fps() > 0 && stream.fps() <= 1000 ? stream.fps() : 25.0;
        int span = Math.max(1, (int) Math.round(fps * SPAN_SECONDS));
        SignalRecorder recorder = new SignalRecorder(ThumbnailReader.WIDTH, ThumbnailReader.HEIGHT, fps, span);
        new ThumbnailReader(ffmpeg).read(video, fps, recorder);
        FrameSignals signals = recorder.signals();
        if (signals.frames() == 0) {
            throw new ProviderException(ErrorKind.LOCAL, video + " has a video stream but no frame could be decoded;"
                    + " the file may be damaged or empty: re-export or re-download it");
        }
        List<Boundary> boundaries = new BoundaryDetector(options).detect(signals);
        return new ShotList(video, fps, signals.frames(), stream.width(), stream.height(),
                shots(signals, boundaries));
    }

    private MediaStream.Video videoStream(Path video) throws ProviderException, InterruptedException {
        if (!Files.isRegularFile(video)) {
            throw new ProviderException(ErrorKind.VALIDATION, "no such video file: " + video + "; check the path");
        }
        try {
            if (Files.size(video) == 0) {
                throw new ProviderException(ErrorKind.LOCAL, video + " is empty (0 bytes); give a complete video file"
                        + " (was it still being written or downloaded?)");
            }
        } catch (IOException e) {
            throw new ProviderException(ErrorKind.LOCAL, "cannot read " + video + " (" + e.getMessage()
                    + "); check its permissions", e);
        }
        // Find (or extract) ffmpeg first, so that a failure of the probe below is about the file.
        ffmpeg.binary();
        MediaInfo info;
        try {
            info = probe.probe(video);
        } catch (ProviderException e) {
            throw new ProviderException(ErrorKind.LOCAL, video + " is not a readable video: ffmpeg does not"
                    + " recognise it; check that it is a complete video file (re-export or re-download it)", e);
        }
        Optional<MediaStream.Video> stream = info.video();
        if (stream.isEmpty()) {
            String has = info.audio().isPresent() ? "only audio" : "no video";
            throw new ProviderException(ErrorKind.LOCAL, video + " has no video stream (" + has + "); shots need a"
                    + " video file");
        }
        return stream.get();
    }

    private static List<Shot> shots(FrameSignals signals, List<Boundary> boundaries) {
        List<Shot> shots = new ArrayList<>();
        int n = signals.frames();
        double fps = signals.fps();
        for (int k = 0; k <= boundaries.size(); k++) {
            int start = k == 0 ? 0 : boundaries.get(k - 1).frame();
            int end = k == boundaries.size() ? n : boundaries.get(k).frame();
            Transition transition = k == 0 ? Transition.START : boundaries.get(k - 1).transition();
            int length = k == 0 ? 0 : boundaries.get(k - 1).length();
            double confidence = k == 0 ? 1.0 : boundaries.get(k - 1).confidence();
            shots.add(new Shot(k, start, end, start / fps, end / fps, transition, length,
                    Math.round(confidence * 1000) / 1000.0, keyframe(signals, start, end), Optional.empty()));
        }
        return shots;
    }

    /** The frame of least motion in the middle half of {@code [start, end)}; the nearer the middle on a tie. */
    static int keyframe(FrameSignals signals, int start, int end) {
        int length = end - start;
        int from = start + length / 4;
        int to = Math.max(from + 1, end - length / 4);
        float[] change = signals.change();
        double middle = (start + end - 1) / 2.0;
        int best = from;
        double bestMotion = Double.MAX_VALUE;
        for (int i = from; i < to; i++) {
            double motion = change[i] + (i + 1 < signals.frames() ? change[i + 1] : change[i]);
            if (motion < bestMotion - 1e-6
                    || (Math.abs(motion - bestMotion) <= 1e-6 && Math.abs(i - middle) < Math.abs(best - middle))) {
                best = i;
                bestMotion = motion;
            }
        }
        return best;
    }
}
