package dev.acp.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

final class StepTimersTest {
    private static final long HOUR = TimeUnit.HOURS.toNanos(1);

    private static StepTimers timers(String name) {
        return new StepTimers(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    @Test
    void a_timer_that_is_not_cancelled_runs() throws InterruptedException {
        StepTimers timers = timers("stepTimersRun");
        try {
            CountDownLatch ran = new CountDownLatch(1);
            timers.schedule(ran::countDown, TimeUnit.MILLISECONDS.toNanos(1));
            assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            timers.shutdownNow();
        }
    }

    /** A large run's finished steps must not pile up in the queue (a timer per step, kept an hour). */
    @Test
    void cancelled_timers_do_not_pile_up() {
        StepTimers timers = timers("stepTimersPile");
        try {
            for (int i = 0; i < 10 * StepTimers.PURGE_EVERY + 7; i++) {
                timers.schedule(() -> { }, HOUR).cancel();
            }
            assertThat(timers.queued()).isLessThanOrEqualTo(StepTimers.PURGE_EVERY);
        } finally {
            timers.shutdownNow();
        }
    }

    /**
     * One step after another, each with its timer, must not wake the timer thread each time
     * (a thread switch per step, the engine's per-step cost regression of 2026-12-07). Counted
     * as the timer thread's voluntary context switches, which Linux keeps per thread.
     */
    @Test
    void steps_one_after_another_do_not_wake_the_timer_thread_each_time() throws IOException {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "needs Linux's /proc");
        String name = "stepTimersWake"; // 14 characters: the kernel keeps 15 of a thread's name
        StepTimers timers = timers(name);
        try {
            timers.schedule(() -> { }, HOUR).cancel(); // starts the thread
            Path task = taskNamed(name);
            long before = wakeUps(task);
            int steps = 4_000;
            for (int i = 0; i < steps; i++) {
                timers.schedule(() -> { }, HOUR).cancel();
            }
            long woken = wakeUps(task) - before;
            // About one per purge; removing each cancelled timer at once woke it hundreds of times.
            assertThat(woken).isLessThan(steps / StepTimers.PURGE_EVERY + 20);
        } finally {
            timers.shutdownNow();
        }
    }

    private static Path taskNamed(String name) throws IOException {
        for (int tries = 0; tries < 200; tries++) {
            try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
                for (Path t : tasks.toList()) {
                    try {
                        if (Files.readString(t.resolve("comm")).strip().equals(name)) {
                            return t;
                        }
                    } catch (IOException e) {
                        // A thread that ended while the folder was listed.
                    }
                }
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no thread named " + name);
    }

    private static long wakeUps(Path task) throws IOException {
        for (String line : Files.readAllLines(task.resolve("status"))) {
            if (line.startsWith("voluntary_ctxt_switches:")) {
                return Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
            }
        }
        throw new AssertionError("no voluntary_ctxt_switches in " + task);
    }
}
