package dev.acp.run;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.acp.error.UsageException;
import dev.acp.util.AtomicFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The folder of one run under {@code ACP_HOME/runs}: {@code meta.json} (what it was started with),
 * the pipeline's snapshot, {@code journal.jsonl}, {@code run.json} (the latest report) and
 * {@code lock}. While a process runs or resumes the run it holds an exclusive lock on the lock
 * file, so two processes can never drive the same run.
 */
public final class RunFolder implements AutoCloseable {
    static final String META = "meta.json";
    static final String JOURNAL = "journal.jsonl";
    static final String LOCK = "lock";
    static final String REPORT = "run.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path dir;
    private final RunMeta meta;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private @Nullable Journal journal;

    private RunFolder(Path dir, RunMeta meta, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.meta = meta;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Creates the folder of a new run and locks it. The folder is filled under a hidden name and
     * renamed into place, so a crash never leaves a half-made run that a resume would trip over.
     */
    static RunFolder create(Path dir, RunMeta meta, byte[] pipeline) throws IOException {
        Path staging = dir.resolveSibling("." + dir.getFileName() + ".partial");
        Files.createDirectories(staging);
        Files.write(staging.resolve(meta.snapshotName()), pipeline);
        writeMeta(staging, meta);
        Files.move(staging, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        RunFolder f = lock(dir, meta);
        f.journal = Journal.open(dir.resolve(JOURNAL));
        return f;
    }

    /** Opens an existing run folder to resume it, refusing when another process holds it. */
    static RunFolder openForResume(Path dir) throws IOException {
        RunMeta meta = readMeta(dir);
        RunFolder f = lock(dir, meta);
        try {
            f.journal = Journal.open(dir.resolve(JOURNAL));
        } catch (IOException e) {
            f.close();
            throw e;
        }
        return f;
    }

    private static RunFolder lock(Path dir, RunMeta meta) throws IOException {
        FileChannel ch = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        }
        if (l == null) {
            String holder = holder(dir);
            ch.close();
            throw new UsageException("run " + meta.runId() + " is in use by another acp process" + holder
                    + "; wait for it to finish, or stop it first");
        }
        // Who holds the lock, for the message another process shows.
        ch.truncate(0);
        ch.write(java.nio.ByteBuffer.wrap((ProcessHandle.current().pid() + " " + Instant.now() + "\n")
                .getBytes(StandardCharsets.UTF_8)), 0);
        return new RunFolder(dir, meta, ch, l);
    }

    private static String holder(Path dir) {
        try {
            String s = Files.readString(dir.resolve(LOCK), StandardCharsets.UTF_8).trim();
            return s.isEmpty() ? "" : " (pid " + s.split(" ")[0] + ")";
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Whether a live process holds this run right now, judged from the pid its holder wrote into
     * the lock file. (Probing with a second lock would be wrong: closing any channel to the file
     * can release this process's own lock on it.)
     */
    static boolean inUse(Path dir) {
        try {
            String s = Files.readString(dir.resolve(LOCK), StandardCharsets.UTF_8).trim();
            if (s.isEmpty()) {
                return false;
            }
            long pid = Long.parseLong(s.split(" ")[0]);
            return pid == ProcessHandle.current().pid() || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        } catch (IOException | RuntimeException e) {
            return false;
        }
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
        AtomicFiles.moveIntoPlace(tmp, dir.resolve(META));
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

    public JournalReader.Contents readJournal() throws IOException {
        return JournalReader.read(dir.resolve(JOURNAL));
    }

    /** Keeps a copy of the latest report with the run's state. */
    public void writeReport(String json) throws IOException {
        Path tmp = dir.resolve("." + REPORT + ".partial");
        Files.writeString(tmp, json, StandardCharsets.UTF_8);
        AtomicFiles.moveIntoPlace(tmp, dir.resolve(REPORT));
    }

    @Override
    public void close() throws IOException {
        try {
            if (journal != null) {
                journal.close();
            }
        } finally {
            try {
                // Clears the holder's pid; if this fails (an interrupted thread), closing the channel
                // below still releases the lock, and a dead pid reads as "not in use".
                lockChannel.truncate(0);
            } catch (IOException e) {
                // See above.
            } finally {
                lockChannel.close();
            }
        }
    }
}
