package dev.acp.run;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.acp.env.Secrets;
import dev.acp.error.UsageException;
import dev.acp.util.AtomicFiles;
import dev.acp.util.JsonMappers;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The folder of one run under {@code ACP_HOME/runs}: {@code meta.json} (what it was started with),
 * the pipeline's snapshot, {@code journal.jsonl}, {@code run.json} (the latest report), {@code lock}
 * and {@code lock.pid}. While a process runs or resumes the run it holds an exclusive lock on the
 * lock file, so two processes can never drive the same run, and {@code lock.pid} says which
 * process that is.
 *
 * <p>On Linux a {@link FileLock} is a POSIX {@code fcntl} lock: it belongs to the process, and
 * closing <em>any</em> descriptor of the file in that process releases it, whoever opened that
 * descriptor. So this process never opens a lock file it holds (see {@link #HELD}): the holder's
 * identity is kept in the separate {@code lock.pid}, and probes ({@link #inUse}) read only that.
 */
public final class RunFolder implements AutoCloseable {
    static final String META = "meta.json";
    static final String JOURNAL = "journal.jsonl";
    static final String LOCK = "lock";
    /** The holder's pid and start time; never written into the lock file itself (see above). */
    static final String HOLDER = "lock.pid";
    static final String REPORT = "run.json";

    private static final ObjectMapper JSON = JsonMappers.objectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * The real paths of the lock files this process holds or is acquiring. Static, because the fact
     * it records is process-wide: an {@code fcntl} lock is the process's, not a channel's or an
     * object's, so any code in this JVM that opened and closed a held lock file would release it.
     * An entry is added before the lock file is opened and removed only after its channel is
     * closed; whoever finds an entry must not open the file.
     */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    /**
     * How far apart two readings of one process's start time may be. They are derived from the
     * boot time, which the kernel reports to the second and adjusts with the clock; a reused pid
     * belongs to a process started much later than this.
     */
    private static final Duration START_TOLERANCE = Duration.ofSeconds(2);

    private final Path dir;
    private final RunMeta meta;
    private final Path lockKey;
    private final FileChannel lockChannel;
    private @Nullable Journal journal;
    private boolean closed;

    private RunFolder(Path dir, RunMeta meta, Path lockKey, FileChannel lockChannel) {
        this.dir = dir;
        this.meta = meta;
        this.lockKey = lockKey;
        this.lockChannel = lockChannel;
    }

    /**
     * Creates the folder of a new run and locks it. The folder is filled and locked under a hidden
     * name and then renamed into place, so a crash never leaves a half-made run that a resume
     * would trip over, and no other process (or {@code --resume latest}) can take a new run before
     * its session does: the lock and its descriptor survive the rename (same inode).
     */
    static RunFolder create(Path dir, RunMeta meta, byte[] pipeline) throws IOException {
        return create(dir, meta, pipeline, Secrets.none());
    }

    /** Like {@link #create(Path, RunMeta, byte[])}, with a journal that masks {@code secrets}. */
    static RunFolder create(Path dir, RunMeta meta, byte[] pipeline, Secrets secrets) throws IOException {
        return create(dir, meta, pipeline, secrets, Journal.Durability.ALL);
    }

    /** Like {@link #create(Path, RunMeta, byte[], Secrets)}, with a journal as durable as {@code durability}. */
    static RunFolder create(Path dir, RunMeta meta, byte[] pipeline, Secrets secrets, Journal.Durability durability)
            throws IOException {
        Path staging = dir.resolveSibling("." + dir.getFileName() + ".partial");
        Files.createDirectories(staging);
        Files.write(staging.resolve(meta.snapshotName()), pipeline);
        writeMeta(staging, meta);
        // Registered under the final name before the folder appears under it.
        Path key = lockKey(dir);
        FileChannel ch = lock(staging, key, meta);
        try {
            Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            release(ch, key);
            throw e;
        }
        return withJournal(new RunFolder(dir, meta, key, ch), secrets, durability);
    }

    /** Opens an existing run folder to resume it, refusing when another session holds it. */
    static RunFolder openForResume(Path dir) throws IOException {
        return openForResume(dir, Secrets.none());
    }

    /** Like {@link #openForResume(Path)}, with a journal that masks {@code secrets}. */
    static RunFolder openForResume(Path dir, Secrets secrets) throws IOException {
        RunMeta meta = readMeta(dir);
        Path key = lockKey(dir);
        FileChannel ch = lock(dir, key, meta);
        return withJournal(new RunFolder(dir, meta, key, ch), secrets, Journal.Durability.ALL);
    }

    /** Opens the journal of a locked folder; releases the lock when that fails. */
    private static RunFolder withJournal(RunFolder f, Secrets secrets, Journal.Durability durability)
            throws IOException {
        try {
            f.journal = Journal.open(f.dir.resolve(JOURNAL), secrets, durability);
            return f;
        } catch (IOException | RuntimeException e) {
            try {
                f.close();
            } catch (IOException | RuntimeException c) {
                e.addSuppressed(c);
            }
            throw e;
        }
    }

    /**
     * Locks {@code folder}'s lock file, registered as {@code key}, and writes who holds it.
     *
     * @throws UsageException when this or another process holds it
     */
    private static FileChannel lock(Path folder, Path key, RunMeta meta) throws IOException {
        long pid = ProcessHandle.current().pid();
        if (!HELD.add(key)) {
            // Refused without opening the file: that alone would release our own lock.
            throw new UsageException("run " + meta.runId() + " is in use by this acp process (pid " + pid
                    + "); wait for it to finish, or stop it first");
        }
        FileChannel ch = null;
        try {
            ch = FileChannel.open(folder.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                // This JVM holds the file under another name (a hard link, a bind mount). Closing
                // the channel would release that lock, so it is left open on purpose.
                ch = null;
                throw new UsageException("run " + meta.runId() + " is in use by this acp process (pid " + pid
                        + "); wait for it to finish, or stop it first");
            }
            if (l == null) {
                throw new UsageException("run " + meta.runId() + " is in use by another acp process"
                        + holder(folder) + "; wait for it to finish, or stop it first");
            }
            writeHolder(folder);
            return ch;
        } catch (IOException | RuntimeException e) {
            if (ch != null) {
                release(ch, key);
            } else {
                HELD.remove(key);
            }
            throw e;
        }
    }

    /** Closes a lock channel (releasing its lock) and only then forgets it. */
    private static void release(FileChannel ch, Path key) throws IOException {
        try {
            ch.close();
        } finally {
            HELD.remove(key);
        }
    }

    /**
     * The real path of {@code dir}'s lock file, which names it in {@link #HELD}; for a folder
     * that does not exist yet, the path it will have.
     */
    private static Path lockKey(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        Path real = Files.exists(abs) ? abs.toRealPath()
                : abs.getParent().toRealPath().resolve(abs.getFileName().toString());
        return real.resolve(LOCK);
    }

    /** A process that holds (or held) a run; {@code start} is null where the platform does not tell. */
    private record Holder(long pid, @Nullable Instant start) {}

    private static void writeHolder(Path folder) throws IOException {
        Path tmp = folder.resolve("." + HOLDER + ".partial");
        Files.writeString(tmp, ThisProcess.HOLDER_LINE, StandardCharsets.UTF_8);
        AtomicFiles.replace(tmp, folder.resolve(HOLDER));
    }

    /**
     * This process as a holder names it, worked out once: asking the platform for the process's
     * start time reads {@code /proc}, which cost a batch as much per row as a journal sync.
     */
    private static final class ThisProcess {
        static final String HOLDER_LINE = ProcessHandle.current().pid() + " "
                + ProcessHandle.current().info().startInstant().map(Instant::toString).orElse("-") + "\n";
    }

    private static @Nullable Holder readHolder(Path folder) {
        try {
            String[] s = Files.readString(folder.resolve(HOLDER), StandardCharsets.UTF_8).trim().split(" ");
            long pid = Long.parseLong(s[0]);
            Instant start = s.length > 1 && !s[1].equals("-") ? Instant.parse(s[1]) : null;
            return new Holder(pid, start);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** " (pid N)" for the message of a refused resume, or "" when the holder is not known. */
    private static String holder(Path folder) {
        Holder h = readHolder(folder);
        return h == null ? "" : " (pid " + h.pid() + ")";
    }

    /**
     * Whether a session holds this run right now: one of this process, or a live process named
     * in {@code lock.pid}. Never probes with a lock of its own, and never opens the lock file:
     * closing it would release this process's own lock.
     */
    static boolean inUse(Path dir) {
        try {
            if (HELD.contains(lockKey(dir))) {
                return true;
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        Holder h = readHolder(dir);
        if (h == null || h.pid() == ProcessHandle.current().pid()) {
            // No holder named, or our own pid though we do not hold it: left by a session of
            // ours that could not remove it.
            return false;
        }
        return alive(h);
    }

    /** Whether the holder's process still runs: its pid is alive and is not a reused one. */
    private static boolean alive(Holder h) {
        Optional<ProcessHandle> p = ProcessHandle.of(h.pid());
        if (p.isEmpty() || !p.get().isAlive()) {
            return false;
        }
        Instant recorded = h.start();
        Optional<Instant> started = p.get().info().startInstant();
        if (recorded == null || started.isEmpty()) {
            return true;
        }
        return Duration.between(started.get(), recorded).abs().compareTo(START_TOLERANCE) <= 0;
    }

    static RunMeta readMeta(Path dir) throws IOException {
        Path file = dir.resolve(META);
        if (!Files.isRegularFile(file)) {
            throw new UsageException(dir + " is not a run folder (no " + META + ")");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = JSON.readValue(file.toFile(), Map.class);
        @SuppressWarnings("unchecked")
        Map<String, String> inputs = (Map<String, String>) m.getOrDefault("inputs", Map.of());
        return new RunMeta((String) m.get("run_id"), (String) m.get("pipeline_name"), (String) m.get("pipeline_file"),
                (String) m.get("pipeline_sha256"), (String) m.get("snapshot"), Instant.parse((String) m.get("created_at")),
                (String) m.get("acp_version"), Boolean.TRUE.equals(m.get("offline")), Boolean.TRUE.equals(m.get("parallel")),
                inputs, (String) m.get("output_directory"), (String) m.getOrDefault("cache_mode", "USE"));
    }

    private static void writeMeta(Path dir, RunMeta meta) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_id", meta.runId());
        m.put("pipeline_name", meta.pipelineName());
        m.put("pipeline_file", meta.pipelineFile());
        m.put("pipeline_sha256", meta.pipelineSha256());
        m.put("snapshot", meta.snapshotName());
        m.put("created_at", meta.createdAt().toString());
        m.put("acp_version", meta.acpVersion());
        m.put("offline", meta.offline());
        m.put("parallel", meta.parallel());
        m.put("inputs", meta.inputs());
        m.put("output_directory", meta.outputDirectory());
        m.put("cache_mode", meta.cacheMode());
        Path tmp = dir.resolve("." + META + ".partial");
        Files.write(tmp, JSON.writeValueAsBytes(m));
        AtomicFiles.replace(tmp, dir.resolve(META));
    }

    public Path dir() {
        return dir;
    }

    public RunMeta meta() {
        return meta;
    }

    public Path snapshot() {
        return dir.resolve(meta.snapshotName());
    }

    public Journal journal() {
        return java.util.Objects.requireNonNull(journal, "journal");
    }

    /**
     * The journal's records and what was wrong with it, including a torn last line that opening
     * the journal cut off (and that a reader of the file can no longer see).
     */
    public JournalReader.Contents readJournal() throws IOException {
        Path file = dir.resolve(JOURNAL);
        JournalReader.Contents contents = JournalReader.read(file);
        long torn = journal == null ? 0 : journal.tornTail();
        if (torn == 0) {
            return contents;
        }
        List<String> warnings = new ArrayList<>();
        warnings.add(file + ": the last record was cut off (the process stopped while writing it); its " + torn
                + " bytes were removed");
        warnings.addAll(contents.warnings());
        return new JournalReader.Contents(contents.records(), warnings);
    }

    /** Keeps a copy of the latest report with the run's state. */
    public void writeReport(String json) throws IOException {
        Path tmp = dir.resolve("." + REPORT + ".partial");
        Files.writeString(tmp, json, StandardCharsets.UTF_8);
        AtomicFiles.replace(tmp, dir.resolve(REPORT));
    }

    /**
     * Closes the journal and releases the run. {@code lock.pid} is removed while the lock is still
     * held: removed after, it could be the next holder's.
     */
    @Override
    public void close() throws IOException {
        synchronized (this) {
            // A second close must not unregister a lock that another session has taken since.
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            if (journal != null) {
                journal.close();
            }
        } finally {
            try {
                Files.deleteIfExists(dir.resolve(HOLDER));
            } catch (IOException e) {
                // Then a dead (or, in this process, unregistered) pid reads as "not in use".
            } finally {
                release(lockChannel, lockKey);
            }
        }
    }
}
