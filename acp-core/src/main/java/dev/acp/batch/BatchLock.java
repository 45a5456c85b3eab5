package dev.acp.batch;

import dev.acp.error.UsageException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The exclusive hold of one process on a batch folder while it runs or resumes the batch: a file
 * lock on {@code lock}, and the holder's pid and start time in {@code lock.pid} for messages and
 * for listings, which read only that file.
 *
 * <p>As for run folders ({@code RunFolder}), a file lock on Linux belongs to the process and is
 * released when any descriptor of the file in the process closes; so this process never opens
 * a lock file it holds. {@link #HELD} records which those are. It is static because the fact is
 * process-wide, not an object's.
 */
final class BatchLock implements AutoCloseable {
    static final String LOCK = "lock";
    static final String HOLDER = "lock.pid";
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();
    private static final Duration START_TOLERANCE = Duration.ofSeconds(2);

    private final Path key;
    private final FileChannel channel;
    private final Path dir;

    private BatchLock(Path dir, Path key, FileChannel channel) {
        this.dir = dir;
        this.key = key;
        this.channel = channel;
    }

    /** Takes the batch in {@code dir}, or refuses with the process that holds it. */
    static BatchLock take(Path dir, String batchId) throws IOException {
        Path key = dir.toAbsolutePath().normalize().resolve(LOCK);
        if (!HELD.add(key)) {
            throw inUse(batchId, ProcessHandle.current().pid());
        }
        FileChannel ch = null;
        try {
            ch = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                long pid = holder(dir).orElse(-1L);
                throw inUse(batchId, pid);
            }
            Instant start = ProcessHandle.current().info().startInstant().orElse(Instant.EPOCH);
            Files.writeString(dir.resolve(HOLDER), ProcessHandle.current().pid() + " " + start + "\n",
                    StandardCharsets.UTF_8);
            return new BatchLock(dir, key, ch);
        } catch (IOException | RuntimeException e) {
            if (ch != null) {
                ch.close();
            }
            HELD.remove(key);
            throw e;
        }
    }

    private static UsageException inUse(String batchId, long pid) {
        return new UsageException("batch " + batchId + " is in use by another acp process"
                + (pid > 0 ? " (pid " + pid + ")" : "") + "; wait for it to end, or stop it first");
    }

    /** Whether another live process holds the batch (read from {@code lock.pid} only). */
    static boolean inUse(Path dir) {
        if (HELD.contains(dir.toAbsolutePath().normalize().resolve(LOCK))) {
            return true;
        }
        try {
            String[] parts = Files.readString(dir.resolve(HOLDER), StandardCharsets.UTF_8).strip().split(" ");
            long pid = Long.parseLong(parts[0]);
            if (pid == ProcessHandle.current().pid()) {
                return false;
            }
            Optional<ProcessHandle> p = ProcessHandle.of(pid);
            if (p.isEmpty() || !p.get().isAlive()) {
                return false;
            }
            Instant recorded = parts.length > 1 ? Instant.parse(parts[1]) : null;
            Optional<Instant> started = p.get().info().startInstant();
            return recorded == null || started.isEmpty()
                    || Duration.between(started.get(), recorded).abs().compareTo(START_TOLERANCE) <= 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static Optional<Long> holder(Path dir) {
        try {
            return Optional.of(Long.parseLong(Files.readString(dir.resolve(HOLDER)).strip().split(" ")[0]));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() throws IOException {
        try {
            Files.deleteIfExists(dir.resolve(HOLDER));
        } finally {
            try {
                channel.close();
            } finally {
                HELD.remove(key);
            }
        }
    }
}
