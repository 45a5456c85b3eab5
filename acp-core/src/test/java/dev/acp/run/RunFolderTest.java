package dev.acp.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.acp.error.UsageException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run is held by one session at a time, and nothing this process does while it holds a run
 * (listing runs, probing them, a second resume) releases that lock. Whether the lock is held is
 * checked the only way that counts: by another process trying to take it.
 */
@Timeout(60)
class RunFolderTest {
    @TempDir
    Path dir;

    private static final byte[] PIPELINE = "pipeline_name: p\nsteps: []\n".getBytes(StandardCharsets.UTF_8);

    private Path runs() {
        return dir.resolve("runs");
    }

    private static RunMeta meta(String runId) {
        return new RunMeta(runId, "p", "/work/p.yaml", "sha", "pipeline.yaml", Instant.parse("2024-01-01T00:00:00Z"),
                "test", false, false, Map.of(), "/work/out", "USE");
    }

    private RunFolder newRun(String runId) throws IOException {
        Files.createDirectories(runs());
        return RunFolder.create(runs().resolve(runId), meta(runId), PIPELINE);
    }

    /** A run folder that nobody holds. */
    private Path idleRun(String runId) throws IOException {
        RunFolder f = newRun(runId);
        f.close();
        return f.dir();
    }

    private static String inUseMessage(String runId) {
        return "run " + runId + " is in use by this acp process (pid " + ProcessHandle.current().pid()
                + "); wait for it to finish, or stop it first";
    }

    // ---- Another process, run with this JVM's java and class path.

    /** What the other process does; it answers on its standard output. */
    static final class OtherProcess {
        public static void main(String[] args) throws Exception {
            switch (args[0]) {
                case "try-lock" -> System.out.println(tryLock(Path.of(args[1])));
                case "try-lock-when-it-appears" -> {
                    Path folder = Path.of(args[1]);
                    System.out.println("ready");
                    System.out.flush();
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (!Files.isDirectory(folder)) {
                        if (System.nanoTime() > deadline) {
                            System.out.println("timeout");
                            return;
                        }
                        Thread.onSpinWait();
                    }
                    System.out.println(tryLock(folder.resolve(RunFolder.LOCK)));
                }
                case "hold" -> {
                    RunFolder f = RunFolder.openForResume(Path.of(args[1]));
                    try {
                        System.out.println("held");
                        System.out.flush();
                        waitForEndOfInput();
                    } finally {
                        f.close();
                    }
                }
                case "wait" -> {
                    System.out.println("waiting");
                    System.out.flush();
                    waitForEndOfInput();
                }
                default -> throw new IllegalArgumentException(args[0]);
            }
            System.out.flush();
        }

        private static String tryLock(Path lock) throws IOException {
            try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock l = ch.tryLock()) {
                return l == null ? "refused" : "locked";
            }
        }

        private static void waitForEndOfInput() throws IOException {
            while (System.in.read() >= 0) {
                // Until the test closes our input.
            }
        }
    }

    private static Process start(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(), "-cp",
                System.getProperty("java.class.path"), OtherProcess.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static BufferedReader output(Process p) {
        return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    }

    private static void stop(Process p) throws InterruptedException {
        try {
            p.getOutputStream().close();
        } catch (IOException e) {
            // Gone already.
        }
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }

    /** Whether another process can lock {@code lock} right now (it lets go again at once). */
    private static boolean anotherProcessCanLock(Path lock) throws Exception {
        Process p = start("try-lock", lock.toString());
        String answer = output(p).readLine();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(answer).isIn("locked", "refused");
        return answer.equals("locked");
    }

    private static void writeHolder(Path run, long pid, String start) throws IOException {
        Files.writeString(run.resolve(RunFolder.HOLDER), pid + " " + start + "\n", StandardCharsets.UTF_8);
    }

    // ---- Tests.

    @Test
    void listing_and_probing_runs_in_the_holding_jvm_keeps_the_lock() throws Exception {
        try (RunFolder run = newRun("run-1")) {
            Path lock = run.dir().resolve(RunFolder.LOCK);
            assertThat(anotherProcessCanLock(lock)).isFalse();

            // What `acp runs list`, `runs show` and `--resume latest` do in the JVM that holds it.
            RunStore store = new RunStore(runs());
            assertThat(store.list()).singleElement().extracting(RunStore.Summary::status).isEqualTo("running");
            assertThat(store.summary(run.dir()).status()).isEqualTo("running");
            assertThat(store.resolve("latest")).isEqualTo(run.dir());
            assertThat(RunFolder.inUse(run.dir())).isTrue();

            assertThat(anotherProcessCanLock(lock)).isFalse();
        }
    }

    @Test
    void a_second_resume_in_the_same_jvm_is_refused_and_keeps_the_lock() throws Exception {
        Path runDir = idleRun("run-1");
        Path lock = runDir.resolve(RunFolder.LOCK);
        try (RunFolder first = RunFolder.openForResume(runDir)) {
            assertThat(first.dir()).isEqualTo(runDir);
            assertThatThrownBy(() -> RunFolder.openForResume(runDir)).isInstanceOf(UsageException.class)
                    .hasMessage(inUseMessage("run-1"));
            assertThat(RunFolder.inUse(runDir)).isTrue();
            assertThat(anotherProcessCanLock(lock)).isFalse();
            // The holder's pid is in lock.pid; the lock file itself is never written.
            assertThat(Files.size(lock)).isZero();
            assertThat(Files.readString(runDir.resolve(RunFolder.HOLDER))).startsWith(ProcessHandle.current().pid() + " ");
        }
        try (RunFolder again = RunFolder.openForResume(runDir)) {
            assertThat(again.dir()).isEqualTo(runDir);
        }
    }

    @Test
    void a_new_run_is_locked_from_the_moment_its_folder_appears() throws Exception {
        Files.createDirectories(runs());
        Path runDir = runs().resolve("run-1");
        Process watcher = start("try-lock-when-it-appears", runDir.toString());
        try {
            BufferedReader answers = output(watcher);
            assertThat(answers.readLine()).isEqualTo("ready");
            // And a thread of this JVM, as a `--resume latest` would.
            CompletableFuture<String> resumer = CompletableFuture.supplyAsync(() -> {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!Files.isDirectory(runDir)) {
                    if (System.nanoTime() > deadline) {
                        return "timeout";
                    }
                    Thread.onSpinWait();
                }
                boolean inUse = RunFolder.inUse(runDir);
                try {
                    RunFolder.openForResume(runDir).close();
                    return "taken";
                } catch (UsageException e) {
                    return inUse ? "refused" : "refused, but read as not in use";
                } catch (IOException e) {
                    return e.toString();
                }
            });
            try (RunFolder run = RunFolder.create(runDir, meta("run-1"), PIPELINE)) {
                assertThat(answers.readLine()).isEqualTo("refused");
                assertThat(resumer.get(30, TimeUnit.SECONDS)).isEqualTo("refused");
                assertThat(anotherProcessCanLock(run.dir().resolve(RunFolder.LOCK))).isFalse();
            }
        } finally {
            stop(watcher);
        }
    }

    @Test
    void closing_a_run_lets_another_process_lock_it() throws Exception {
        RunFolder run = newRun("run-1");
        Path lock = run.dir().resolve(RunFolder.LOCK);
        assertThat(anotherProcessCanLock(lock)).isFalse();
        run.close();
        assertThat(anotherProcessCanLock(lock)).isTrue();
        assertThat(run.dir().resolve(RunFolder.HOLDER)).doesNotExist();
        assertThat(RunFolder.inUse(run.dir())).isFalse();
        // Closing twice is harmless, and does not release a later session's hold.
        try (RunFolder again = RunFolder.openForResume(run.dir())) {
            assertThat(again.dir()).isEqualTo(run.dir());
            run.close();
            assertThat(RunFolder.inUse(run.dir())).isTrue();
            assertThat(anotherProcessCanLock(lock)).isFalse();
        }
    }

    @Test
    void a_run_held_by_another_process_is_refused_naming_its_pid() throws Exception {
        Path runDir = idleRun("run-1");
        Process holder = start("hold", runDir.toString());
        try {
            assertThat(output(holder).readLine()).isEqualTo("held");
            assertThatThrownBy(() -> RunFolder.openForResume(runDir)).isInstanceOf(UsageException.class)
                    .hasMessage("run run-1 is in use by another acp process (pid " + holder.pid()
                            + "); wait for it to finish, or stop it first");
            assertThat(RunFolder.inUse(runDir)).isTrue();
            assertThat(new RunStore(runs()).summary(runDir).status()).isEqualTo("running");
        } finally {
            stop(holder);
        }
        assertThat(holder.exitValue()).isZero();
        assertThat(RunFolder.inUse(runDir)).isFalse();
        RunFolder.openForResume(runDir).close();
    }

    @Test
    void a_stale_pid_reads_as_not_in_use() throws Exception {
        Path runDir = idleRun("run-1");
        Process gone = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "-version")
                .redirectErrorStream(true).start();
        gone.getInputStream().readAllBytes();
        assertThat(gone.waitFor(30, TimeUnit.SECONDS)).isTrue();
        // Killed while it held the run: lock.pid stays behind, and the kernel released the lock.
        writeHolder(runDir, gone.pid(), Instant.now().toString());

        assertThat(RunFolder.inUse(runDir)).isFalse();
        assertThat(new RunStore(runs()).summary(runDir).status()).isEqualTo("crashed");
        try (RunFolder resumed = RunFolder.openForResume(runDir)) {
            assertThat(resumed.dir()).isEqualTo(runDir);
            assertThat(Files.readString(runDir.resolve(RunFolder.HOLDER))).startsWith(ProcessHandle.current().pid() + " ");
        }

        // Left behind by a session of this process that could not remove it.
        writeHolder(runDir, ProcessHandle.current().pid(), "-");
        assertThat(RunFolder.inUse(runDir)).isFalse();
        Files.writeString(runDir.resolve(RunFolder.HOLDER), "not a pid\n");
        assertThat(RunFolder.inUse(runDir)).isFalse();
    }

    @Test
    void a_live_pid_reads_as_in_use_unless_it_was_reused() throws Exception {
        Path runDir = idleRun("run-1");
        Process live = start("wait");
        try {
            assertThat(output(live).readLine()).isEqualTo("waiting");
            Instant started = live.info().startInstant().orElseThrow();
            writeHolder(runDir, live.pid(), started.toString());
            assertThat(RunFolder.inUse(runDir)).isTrue();
            writeHolder(runDir, live.pid(), "-");
            assertThat(RunFolder.inUse(runDir)).isTrue();
            // The pid now belongs to a process that started long after the holder.
            writeHolder(runDir, live.pid(), started.minus(Duration.ofHours(1)).toString());
            assertThat(RunFolder.inUse(runDir)).isFalse();
        } finally {
            stop(live);
        }
    }

    @Test
    void a_failed_journal_open_in_create_releases_the_lock() throws Exception {
        Files.createDirectories(runs());
        Path runDir = runs().resolve("run-1");
        // The journal cannot be opened: its name is taken by a folder.
        Files.createDirectories(runs().resolve(".run-1.partial").resolve(RunFolder.JOURNAL));
        assertThatThrownBy(() -> RunFolder.create(runDir, meta("run-1"), PIPELINE)).isInstanceOf(IOException.class);

        assertThat(RunFolder.inUse(runDir)).isFalse();
        assertThat(anotherProcessCanLock(runDir.resolve(RunFolder.LOCK))).isTrue();
        Files.delete(runDir.resolve(RunFolder.JOURNAL));
        RunFolder.openForResume(runDir).close();
    }

    @Test
    void a_torn_journal_tail_is_cut_off_on_resume_and_reported() throws Exception {
        Path runDir;
        try (RunFolder run = newRun("run-1")) {
            run.journal().append(new JournalRecord.RunStarted("run-1", "p", "sha", Instant.now()), true);
            runDir = run.dir();
        }
        Path journal = runDir.resolve(RunFolder.JOURNAL);
        Files.writeString(journal, "0badc0de {\"type\":\"step_fin", StandardOpenOption.APPEND);
        try (RunFolder resumed = RunFolder.openForResume(runDir)) {
            JournalReader.Contents contents = resumed.readJournal();
            assertThat(contents.records()).singleElement().isInstanceOf(JournalRecord.RunStarted.class);
            assertThat(contents.warnings()).singleElement().asString().contains("the last record was cut off");
            resumed.journal().append(new JournalRecord.RunResumed("sha", List.of(), Instant.now()), true);
        }
        JournalReader.Contents after = JournalReader.read(journal);
        assertThat(after.records()).hasSize(2).last().isInstanceOf(JournalRecord.RunResumed.class);
        assertThat(after.warnings()).isEmpty();
    }
}
