package dev.acp.content.quality;

import dev.acp.content.shots.Shot;
import dev.acp.content.shots.ShotDetector;
import dev.acp.content.shots.ShotList;
import dev.acp.content.shots.ShotOptions;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.local.image.ImageFiles;
import dev.acp.local.image.ImageStatistics;
import dev.acp.local.media.Ffmpeg;
import dev.acp.local.media.MediaInfo;
import dev.acp.local.media.MediaProbe;
import dev.acp.local.media.MediaStream;
import dev.acp.local.process.CommandResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Scores any image, audio or video file (see the module README for the formulas). What a file is
 * comes from ffmpeg's view of its streams, not its name: a single picture in an image demuxer is
 * an image, anything else with a video stream is a video, audio streams alone make audio.
 *
 * <p>Thread-safe; each call runs its own ffmpeg processes.
 */
public final class QualityAnalyzer {
    private final Ffmpeg ffmpeg;
    private final Path scratchRoot;

    /**
     * @param scratchRoot where an image ImageIO cannot read is converted to PNG for a moment
     */
    public QualityAnalyzer(Ffmpeg ffmpeg, Path scratchRoot) {
        this.ffmpeg = Objects.requireNonNull(ffmpeg, "ffmpeg");
        this.scratchRoot = Objects.requireNonNull(scratchRoot, "scratchRoot");
    }

    /**
     * The quality of {@code file}.
     *
     * @throws ProviderException {@link ErrorKind#VALIDATION} naming the file when it is missing,
     *     not media, or has no picture or sound; {@link ErrorKind#LOCAL} when ffmpeg fails on it
     */
    public QualityReport analyze(Path file) throws ProviderException, InterruptedException {
        return analyze(file, null);
    }

    /**
     * The quality of {@code file}, reusing {@code shots} when the caller has already detected the
     * video's shots (with the default options), so that the whole video is not decoded again for
     * its shot rhythm.
     */
    public QualityReport analyze(Path file, @Nullable ShotList shots) throws ProviderException, InterruptedException {
        if (!Files.isRegularFile(file)) {
            throw new ProviderException(ErrorKind.VALIDATION, file + " does not exist or is not a file; check the path");
        }
        CommandResult probed = ffmpeg.execute(List.of("-i", file.toAbsolutePath().toString()), line -> {});
        MediaInfo info = MediaProbe.parse(probed.stderr());
        if (info == null) {
            throw new ProviderException(ErrorKind.VALIDATION, file + " is not an image, audio or video file ffmpeg can"
                    + " read (" + probed.stderrTail(1) + "); check that it is complete, or score a PNG, JPEG, WebP,"
                    + " WAV, MP3, MP4 or similar file");
        }
        return switch (MediaKind.of(file, info)) {
            case IMAGE -> image(file);
            case AUDIO -> audio(file, info);
            case VIDEO -> video(file, info, shots);
        };
    }

    private QualityReport image(Path file) throws ProviderException, InterruptedException {
        ImageStatistics s = ImageStatistics.of(new ImageFiles(ffmpeg).read(file, scratchRoot).image());
        return QualityReport.of(file, MediaKind.IMAGE, ImageQuality.dimensions(s));
    }

    private QualityReport audio(Path file, MediaInfo info) throws ProviderException, InterruptedException {
        AudioMeasurement m = new AudioMeter(ffmpeg).measure(file, info.duration().orElse(0));
        return QualityReport.of(file, MediaKind.AUDIO, AudioQuality.dimensions(m));
    }

    private QualityReport video(Path file, MediaInfo info, @Nullable ShotList known)
            throws ProviderException, InterruptedException {
        double duration = info.duration().orElse(0);
        MediaStream.Video stream = info.video().orElseThrow();
        List<ImageStatistics> frames =
                new VideoSampler(ffmpeg).sample(file, stream.width(), stream.height(), duration);
        AudioMeasurement audio = info.audio().isPresent() ? new AudioMeter(ffmpeg).measure(file, duration) : null;
        ShotList shots = known != null ? known : new ShotDetector(ffmpeg).detect(file, ShotOptions.DEFAULTS);
        // Every shot after the first starts with a transition: a cut, a dissolve or a fade.
        List<Double> transitions = shots.shots().stream().skip(1).map(Shot::startSeconds).toList();
        ShotRhythm rhythm = ShotRhythm.of(transitions, duration > 0 ? duration : shots.durationSeconds());
        return QualityReport.of(file, MediaKind.VIDEO, VideoQuality.dimensions(frames, audio, rhythm));
    }
}
