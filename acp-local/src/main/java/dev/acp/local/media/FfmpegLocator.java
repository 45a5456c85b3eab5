package dev.acp.local.media;

import dev.acp.util.AtomicFiles;
import dev.acp.env.Environment;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.local.process.Executables;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Finds the ffmpeg binary: {@code ACP_FFMPEG}, then {@code ffmpeg} on {@code PATH}, then the
 * static ffmpeg 4.4.1 (Linux x86-64) inside the {@code ws.schild:jave-nativebin-linux64} jar.
 *
 * <p>The bundled binary is extracted once to {@code <acpHome>/tools/ffmpeg-4.4.1-amd64}: written to
 * a temporary file in the same folder, made executable and renamed into place, so two processes
 * extracting at the same moment both end with a complete file. An existing file whose size differs
 * from the jar entry (an interrupted copy by an older version, for example) is replaced.
 *
 * <p>The first successful lookup is remembered; failures are not, so that a user who installs
 * ffmpeg while a long-lived process runs is picked up by the next step. Thread-safe.
 */
public final class FfmpegLocator {
    /** Environment variable naming an ffmpeg executable to use instead of any other. */
    public static final String ENV_VARIABLE = "ACP_FFMPEG";

    static final String BUNDLED_RESOURCE = "ws/schild/jave/nativebin/ffmpeg-amd64";
    static final String BUNDLED_FILE_NAME = "ffmpeg-4.4.1-amd64";

    private final Environment environment;
    private final Path acpHome;
    private final String osName;
    private final String osArch;
    private final ClassLoader classLoader;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile @Nullable FfmpegBinary found;

    /** A locator for the running platform that reads the given environment and state folder. */
    public FfmpegLocator(Environment environment, Path acpHome) {
        this(
                environment,
                acpHome,
                System.getProperty("os.name", ""),
                System.getProperty("os.arch", ""),
                FfmpegLocator.class.getClassLoader());
    }

    FfmpegLocator(Environment environment, Path acpHome, String osName, String osArch, ClassLoader classLoader) {
        this.environment = Objects.requireNonNull(environment, "environment");
        this.acpHome = Objects.requireNonNull(acpHome, "acpHome");
        this.osName = osName;
        this.osArch = osArch;
        this.classLoader = classLoader;
    }

    /** Where the bundled ffmpeg is (or will be) extracted. */
    public Path bundledTarget() {
        return acpHome.resolve("tools").resolve(BUNDLED_FILE_NAME);
    }

    /**
     * The ffmpeg to run, extracting the bundled one on first use.
     *
     * @throws ProviderException ({@link ErrorKind#LOCAL}) when {@code ACP_FFMPEG} is not an
     *     executable file, or when no ffmpeg is available on this platform
     */
    public FfmpegBinary locate() throws ProviderException {
        FfmpegBinary known = found;
        if (known != null) {
            return known;
        }
        lock.lock();
        try {
            if (found == null) {
                found = resolve();
            }
            return Objects.requireNonNull(found);
        } finally {
            lock.unlock();
        }
    }

    private FfmpegBinary resolve() throws ProviderException {
        var configured = environment.get(ENV_VARIABLE);
        if (configured.isPresent()) {
            Path path;
            try {
                path = Path.of(configured.get().strip()).toAbsolutePath();
            } catch (InvalidPathException e) {
                throw new ProviderException(ErrorKind.LOCAL, ENV_VARIABLE + " is not a valid path ('"
                        + configured.get() + "'); set it to the ffmpeg executable or unset it");
            }
            if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
                throw new ProviderException(ErrorKind.LOCAL, ENV_VARIABLE + " points to " + path
                        + ", which is not an executable file; set it to the ffmpeg executable or unset it");
            }
            return new FfmpegBinary(path, FfmpegBinary.Source.ENVIRONMENT);
        }
        var onPath = Executables.findOnPath(environment, "ffmpeg");
        if (onPath.isPresent()) {
            return new FfmpegBinary(onPath.get(), FfmpegBinary.Source.PATH);
        }
        if (!bundledRunsHere()) {
            throw new ProviderException(ErrorKind.LOCAL, "ffmpeg was not found: install ffmpeg (for example"
                    + " 'brew install ffmpeg' or 'apt install ffmpeg') or set " + ENV_VARIABLE
                    + " to its path; the bundled ffmpeg runs only on Linux x86-64, not on " + osName + " "
                    + osArch);
        }
        URL resource = classLoader.getResource(BUNDLED_RESOURCE);
        if (resource == null) {
            throw new ProviderException(ErrorKind.LOCAL, "ffmpeg was not found on PATH and the bundled ffmpeg"
                    + " (jave-nativebin-linux64) is not on the class path; install ffmpeg or set "
                    + ENV_VARIABLE + " to its path");
        }
        try {
            return new FfmpegBinary(extract(resource), FfmpegBinary.Source.BUNDLED);
        } catch (IOException e) {
            throw new ProviderException(ErrorKind.LOCAL, "could not extract the bundled ffmpeg to "
                    + bundledTarget() + " (" + e.getMessage() + "); make that folder writable, set ACP_HOME"
                    + " elsewhere, or install ffmpeg / set " + ENV_VARIABLE, e);
        }
    }

    private boolean bundledRunsHere() {
        String os = osName.toLowerCase(Locale.ROOT);
        String arch = osArch.toLowerCase(Locale.ROOT);
        return os.startsWith("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
    }

    private Path extract(URL resource) throws IOException {
        Path target = bundledTarget();
        long expected = entrySize(resource);
        if (Files.isRegularFile(target) && (expected < 0 || Files.size(target) == expected)) {
            makeExecutable(target);
            return target;
        }
        Path folder = target.getParent();
        Files.createDirectories(folder);
        Path partial = Files.createTempFile(folder, BUNDLED_FILE_NAME + ".", ".partial");
        try {
            URLConnection connection = resource.openConnection();
            // Without caches the jar opened for this copy is closed with the stream.
            connection.setUseCaches(false);
            try (InputStream in = connection.getInputStream()) {
                Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
            }
            if (expected >= 0 && Files.size(partial) != expected) {
                throw new IOException("copied " + Files.size(partial) + " bytes, expected " + expected);
            }
            makeExecutable(partial);
            AtomicFiles.replace(partial, target);
        } finally {
            Files.deleteIfExists(partial);
        }
        return target;
    }

    private static long entrySize(URL resource) throws IOException {
        URLConnection connection = resource.openConnection();
        connection.setUseCaches(false);
        long size = connection.getContentLengthLong();
        if (connection instanceof java.net.JarURLConnection jar) {
            // Opening a jar connection opens the jar; close it so the file is not held open.
            jar.getJarFile().close();
        }
        return size;
    }

    private static void makeExecutable(Path file) throws IOException {
        if (Files.isExecutable(file)) {
            return;
        }
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (UnsupportedOperationException | FileSystemException e) {
            if (!file.toFile().setExecutable(true)) {
                throw new IOException("cannot make " + file + " executable", e);
            }
        }
    }
}
