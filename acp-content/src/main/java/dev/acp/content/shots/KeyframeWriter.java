package dev.acp.content.shots;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.local.media.Ffmpeg;
import dev.acp.util.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes each shot's keyframe as a PNG file, {@code shot_001.png} and so on, by seeking ffmpeg
 * to the frame: only a few frames around each keyframe are decoded, not the video again. The
 * seeks run in parallel, as many at once as {@link Ffmpeg#maxProcesses()} allows.
 */
public final class KeyframeWriter {
    private final Ffmpeg ffmpeg;

    public KeyframeWriter(Ffmpeg ffmpeg) {
        this.ffmpeg = Objects.requireNonNull(ffmpeg, "ffmpeg");
    }

    /** The file name of shot {@code index}'s keyframe. */
    public static String fileName(int index) {
        return String.format(Locale.ROOT, "shot_%03d.png", index + 1);
    }

    /**
     * Writes the keyframes of {@code list} into {@code folder} (created if missing), each no wider
     * than {@code maxWidth} pixels (0 for the video's own size), and returns the list with each
     * shot's {@link Shot#keyframeFile()} set.
     */
    public ShotList write(ShotList list, Path folder, int maxWidth) throws ProviderException, InterruptedException {
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new ProviderException(ErrorKind.LOCAL, "cannot create the keyframe folder " + folder + " ("
                    + e.getMessage() + "); choose a writable folder", e);
        }
        List<Future<Shot>> pending = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Shot shot : list.shots()) {
                pending.add(pool.submit(() -> writeOne(list, shot, folder, maxWidth)));
            }
            List<Shot> shots = new ArrayList<>();
            for (Future<Shot> f : pending) {
                shots.add(f.get());
            }
            return list.withShots(shots);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ProviderException p) {
                throw p;
            }
            if (e.getCause() instanceof InterruptedException i) {
                throw i;
            }
            throw new ProviderException(ErrorKind.LOCAL, "cannot write the keyframes to " + folder + " ("
                    + e.getCause().getMessage() + ")", e.getCause());
        }
    }

    private Shot writeOne(ShotList list, Shot shot, Path folder, int maxWidth)
            throws ProviderException, InterruptedException, IOException {
        Path target = folder.resolve(fileName(shot.index()));
        Path partial = folder.resolve("." + target.getFileName() + ".partial.png");
        // A quarter frame early: ffmpeg starts at the first frame at or after the time, and a time
        // rounded to microseconds could otherwise land just past the wanted frame.
        double seconds = Math.max(0, (shot.keyframe() - 0.25) / list.fps());
        List<String> args = new ArrayList<>(List.of("-nostats", "-loglevel", "error", "-ss",
                String.format(Locale.ROOT, "%.6f", seconds), "-i", list.video().toAbsolutePath().toString(),
                "-map", "0:v:0", "-frames:v", "1"));
        if (maxWidth > 0) {
            args.addAll(List.of("-vf", "scale='min(" + maxWidth + ",iw)':-2"));
        }
        args.addAll(List.of("-f", "image2", "-c:v", "png", partial.toString()));
        try {
            ffmpeg.run("taking the keyframe of shot " + (shot.index() + 1) + " of " + list.video().getFileName(), args);
            if (!Files.isRegularFile(partial)) {
                throw new ProviderException(ErrorKind.LOCAL, "ffmpeg wrote no keyframe for shot " + (shot.index() + 1)
                        + " of " + list.video() + "; the file may be damaged near " + Timecode.format(seconds));
            }
            AtomicFiles.replace(partial, target);
        } finally {
            Files.deleteIfExists(partial);
        }
        return shot.withKeyframeFile(target);
    }
}
