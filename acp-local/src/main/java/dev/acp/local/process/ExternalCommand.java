package dev.acp.local.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Runs one external program to completion.
 *
 * <p>The program gets no standard input. Its standard output is handed line by line to a
 * listener (ffmpeg's {@code -progress pipe:1} lines, for example) and its error output is kept,
 * bounded to the last {@value #MAX_STDERR_CHARS} characters. Both streams are drained on their
 * own virtual threads, so the program never stalls on a full pipe. Lines end at {@code \n} or
 * {@code \r}, because ffmpeg rewrites its status line with carriage returns.
 *
 * <p>When the calling thread is interrupted (a step timeout or cancellation) the program and all
 * of its descendants are killed and {@link InterruptedException} is thrown.
 */
public final class ExternalCommand {
    static final int MAX_STDERR_CHARS = 256 * 1024;
    private static final int START_ATTEMPTS = 5;

    private ExternalCommand() {}

    /**
     * Runs {@code command} (program first, then its arguments) and waits for it to exit.
     *
     * @param stdoutLines receives each line of standard output; exceptions it throws are
     *     ignored so that draining never stops
     * @throws IOException when the program cannot be started
     * @throws InterruptedException when the calling thread is interrupted; the program has then
     *     been killed
     */
    public static CommandResult run(List<String> command, Consumer<String> stdoutLines)
            throws IOException, InterruptedException {
        Process process = start(command);
        process.getOutputStream().close();
        TailBuffer stderr = new TailBuffer(MAX_STDERR_CHARS);
        Thread outDrain = Thread.ofVirtual()
                .name("acp-stdout-" + process.pid())
                .start(() -> drain(process.getInputStream(), stdoutLines));
        Thread errDrain = Thread.ofVirtual()
                .name("acp-stderr-" + process.pid())
                .start(() -> drain(process.getErrorStream(), stderr::append));
        try {
            int exit = process.waitFor();
            // A descendant that inherited the pipes could keep them open after the program
            // exits; do not wait for it forever.
            outDrain.join(java.time.Duration.ofSeconds(5));
            errDrain.join(java.time.Duration.ofSeconds(5));
            return new CommandResult(exit, stderr.text());
        } catch (InterruptedException e) {
            destroyTree(process);
            throw e;
        }
    }

    /** Reads a program's standard output as bytes; see {@link #runReading(List, OutputReader)}. */
    @FunctionalInterface
    public interface OutputReader {
        /**
         * Reads from {@code stdout} for as long as it wants; whatever it leaves unread is
         * discarded so that the program can finish.
         */
        void read(InputStream stdout) throws IOException;
    }

    /**
     * Runs {@code command} and hands its standard output, as bytes, to {@code stdout} (ffmpeg
     * writing raw frames to {@code pipe:1}, for example), then waits for it to exit. The reader
     * runs on a virtual thread of its own, so interrupting the calling thread still kills the
     * program at once.
     *
     * @throws IOException when the program cannot be started, or what the reader threw (the
     *     program has then been killed)
     * @throws InterruptedException when the calling thread is interrupted; the program has then
     *     been killed
     */
    public static CommandResult runReading(List<String> command, OutputReader stdout)
            throws IOException, InterruptedException {
        Process process = start(command);
        process.getOutputStream().close();
        TailBuffer stderr = new TailBuffer(MAX_STDERR_CHARS);
        Thread errDrain = Thread.ofVirtual()
                .name("acp-stderr-" + process.pid())
                .start(() -> drain(process.getErrorStream(), stderr::append));
        AtomicReference<IOException> failure = new AtomicReference<>();
        Thread reader = Thread.ofVirtual().name("acp-stdout-" + process.pid()).start(() -> {
            try (InputStream in = process.getInputStream()) {
                stdout.read(in);
                in.transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
                failure.set(e);
                // The program would otherwise block on a full pipe that nobody reads any more.
                destroyTree(process);
            }
        });
        try {
            reader.join();
            int exit = process.waitFor();
            errDrain.join(java.time.Duration.ofSeconds(5));
            IOException failed = failure.get();
            if (failed != null) {
                throw failed;
            }
            return new CommandResult(exit, stderr.text());
        } catch (InterruptedException e) {
            destroyTree(process);
            throw e;
        }
    }

    private static Process start(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command);
        for (int attempt = 1; ; attempt++) {
            try {
                return builder.start();
            } catch (IOException e) {
                // "Text file busy": another thread of this JVM forked while a freshly extracted
                // binary was still open for writing. The window is tiny; a short wait clears it.
                boolean busy = String.valueOf(e.getMessage()).contains("error=26");
                if (!busy || attempt == START_ATTEMPTS) {
                    throw e;
                }
                Thread.sleep(20L * attempt);
            }
        }
    }

    private static void destroyTree(Process process) {
        // Collect descendants first: once the parent is gone they are re-parented and lost.
        List<ProcessHandle> descendants = process.descendants().toList();
        descendants.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException again) {
            Thread.currentThread().interrupt();
        }
    }

    private static void drain(InputStream stream, Consumer<String> lines) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                try {
                    lines.accept(line);
                } catch (RuntimeException ignored) {
                    // A faulty listener must not stop the draining, or the program would block.
                }
            }
        } catch (IOException ignored) {
            // The stream closes when the process is killed; nothing left to read.
        }
    }

    /** Keeps the last {@code limit} characters of appended lines. Thread-safe. */
    static final class TailBuffer {
        private final int limit;
        private final Deque<String> lines = new ArrayDeque<>();
        private int chars;

        TailBuffer(int limit) {
            this.limit = limit;
        }

        synchronized void append(String line) {
            lines.addLast(line);
            chars += line.length() + 1;
            while (chars > limit && lines.size() > 1) {
                chars -= lines.removeFirst().length() + 1;
            }
        }

        synchronized String text() {
            return String.join("\n", lines);
        }
    }
}
