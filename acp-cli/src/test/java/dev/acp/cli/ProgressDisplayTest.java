package dev.acp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.engine.RunControl;
import dev.acp.engine.RunResult;
import dev.acp.env.Environment;
import dev.acp.Acp;
import dev.acp.plan.ExecutionPlan;
import dev.acp.plan.RunSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The live display redraws running steps in place; plain mode writes log lines; colour is optional. */
class ProgressDisplayTest {
    @TempDir
    Path dir;

    private RunResult run(ProgressDisplay display) throws Exception {
        Path file = dir.resolve("p.yaml");
        Files.writeString(file, """
                pipeline_name: show
                output_directory: out
                steps:
                  - { step_type: text_to_image, id: slow, provider: scripted, config: { prompt: x, script_sleep_ms: 600 } }
                  - { step_type: text_to_image, id: broken, provider: scripted, config: { prompt: x, script_fail: validation } }
                """);
        Acp acp = Acp.create(Environment.of(Map.of("ACP_HOME", dir.resolve("home").toString())));
        ExecutionPlan plan = acp.plan(file, RunSettings.run(dir));
        try (display) {
            return acp.unguardedEngine().run(plan, display, new RunControl());
        }
    }

    @Test
    void live_mode_redraws_running_steps_with_elapsed_time() throws Exception {
        StringWriter out = new StringWriter();
        run(ProgressDisplay.create(new PrintWriter(out), new Terminal(true, false, 100), dir));
        String text = out.toString();
        assertThat(text).contains("Running show");
        assertThat(text).containsPattern("slow text_to_image via scripted \\d\\.\\d s");
        assertThat(text).contains("\u001b[1F\u001b[J"); // moves up over the previous frame and clears it
        assertThat(text).contains("✓ slow scripted").contains("✗ broken scripted")
                .contains("validation: scripted validation failure");
        assertThat(text).doesNotContain("\u001b[32m"); // no colour when colour is off
    }

    @Test
    void colour_is_used_only_when_allowed() throws Exception {
        StringWriter out = new StringWriter();
        run(ProgressDisplay.create(new PrintWriter(out), new Terminal(true, true, 100), dir));
        assertThat(out.toString()).contains("\u001b[32m✓\u001b[0m");
    }

    @Test
    void the_first_line_counts_the_steps_and_the_steps_each_for_each_item_adds() throws Exception {
        Path file = dir.resolve("fan.yaml");
        Files.writeString(file, """
                pipeline_name: fan
                output_directory: out
                inputs: { shots: { type: list, default: [a, b, c] } }
                steps:
                  - { step_type: text_to_image, id: cover, provider: scripted, config: { prompt: x } }
                  - id: shot
                    for_each: "{{inputs.shots}}"
                    steps:
                      - { step_type: text_to_image, id: picture, provider: scripted, config: { prompt: "{{item}}" },
                          output_filename: "picture_{{index}}.png" }
                      - { step_type: text_to_speech, id: voice, provider: scripted, config: { text: "{{item}}" },
                          output_filename: "voice_{{index}}.mp3" }
                """);
        Acp acp = Acp.create(Environment.of(Map.of("ACP_HOME", dir.resolve("home").toString())));
        ExecutionPlan plan = acp.plan(file, RunSettings.run(dir));
        assertThat(ProgressDisplay.stepCount(plan)).isEqualTo("1 step, plus 2 per item of 'shot'");
    }

    @Test
    void plain_mode_writes_one_timestamped_line_per_event() throws Exception {
        StringWriter out = new StringWriter();
        run(ProgressDisplay.create(new PrintWriter(out), Terminal.plain(), dir));
        assertThat(out.toString().lines())
                .anySatisfy(l -> assertThat(l).matches("\\d\\d:\\d\\d:\\d\\d started slow \\(text_to_image via scripted\\)"))
                .anySatisfy(l -> assertThat(l).matches("\\d\\d:\\d\\d:\\d\\d ✓ slow scripted \\d\\.\\d s → out/slow.png"))
                .noneMatch(l -> l.contains("\u001b["));
    }

    @Test
    void no_color_and_dumb_terminals_get_no_escape_codes() {
        Terminal noColor = Terminal.detect(Environment.of(Map.of("NO_COLOR", "1", "TERM", "xterm")));
        assertThat(noColor.color()).isFalse();
        Terminal dumb = Terminal.detect(Environment.of(Map.of("TERM", "dumb")));
        assertThat(dumb.interactive()).isFalse();
        assertThat(dumb.color()).isFalse();
        assertThat(noColor.green("ok")).isEqualTo("ok");
    }

    private static final String LONG_PIPELINE = """
            pipeline_name: narrow
            output_directory: out
            steps:
              - { step_type: text_to_image, id: a_step_with_a_rather_long_name_for_a_narrow_pane, provider: scripted,
                  config: { prompt: x, script_sleep_ms: 700 } }
              - { step_type: text_to_image, id: another_step_whose_name_is_long_too, provider: scripted, depends_on: [],
                  config: { prompt: x, script_sleep_ms: 700 } }
            """;

    @Test
    void a_pane_of_40_columns_gets_no_redrawn_line_longer_than_its_width_and_no_stale_lines() throws Exception {
        for (boolean colour : new boolean[] {false, true}) {
            Screen screen = new Screen(40);
            Path file = dir.resolve("narrow.yaml");
            Files.writeString(file, LONG_PIPELINE);
            Acp acp = Acp.create(Environment.of(Map.of("ACP_HOME", dir.resolve("home").toString())));
            ExecutionPlan plan = acp.plan(file, RunSettings.run(dir));
            try (ProgressDisplay display = ProgressDisplay.create(screen.writer(), new Terminal(true, colour, 40), dir)) {
                acp.unguardedEngine().run(plan, display, new RunControl());
            }
            assertThat(screen.redrawnLines).as("frames drawn").isNotEmpty();
            assertThat(screen.redrawnLines).allSatisfy(l -> assertThat(ProgressDisplay.visibleLength(l)).isLessThan(40));
            // What is left on screen is the finished lines only: no running line, nor a piece of one.
            assertThat(screen.rows()).as("colour %s", colour).noneMatch(r -> isRunningLine(r) || r.contains("…"));
            assertThat(String.join("\n", screen.rows())).contains("✓ a_step_with");
        }
    }

    @Test
    void a_pane_narrowed_while_a_step_runs_is_cleared_of_the_rows_its_lines_wrapped_onto() throws Exception {
        Screen screen = new Screen(100);
        java.util.concurrent.atomic.AtomicInteger width = new java.util.concurrent.atomic.AtomicInteger(100);
        Path file = dir.resolve("narrow.yaml");
        Files.writeString(file, LONG_PIPELINE.replace("script_sleep_ms: 700", "script_sleep_ms: 1500"));
        Acp acp = Acp.create(Environment.of(Map.of("ACP_HOME", dir.resolve("home").toString())));
        ExecutionPlan plan = acp.plan(file, RunSettings.run(dir));
        ProgressDisplay display = ProgressDisplay.create(screen.writer(), new Terminal(true, false, width::get), dir);
        Thread run = Thread.ofVirtual().start(() -> acp.unguardedEngine().run(plan, display, new RunControl()));
        // Resized between two frames, as SIGWINCH arrives; the terminal re-wraps what it shows.
        screen.awaitFrames(3);
        synchronized (display) {
            width.set(30);
            screen.resize(30);
        }
        run.join();
        display.close();
        // A running line ends in its elapsed time ("1.2 s"); a wrapped piece of one too.
        assertThat(screen.rows()).noneMatch(r -> isRunningLine(r) || r.contains("…") || r.contains("via scripted")
                || r.matches(".*\\d s"));
        assertThat(screen.redrawnAfterResize).isNotEmpty()
                .allSatisfy(l -> assertThat(ProgressDisplay.visibleLength(l)).isLessThan(30));
    }

    /** A line of the running block: it holds a spinner frame (a piece of one wrapped is caught by "…"). */
    private static boolean isRunningLine(String line) {
        return line.matches("(?s).*[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏].*") || line.contains("more running");
    }

    /**
     * A terminal of a given width, as far as the live display uses one: text wraps at the last
     * column, a resize re-wraps every line (as tmux and most terminals do), ESC[nF moves up n rows
     * and ESC[J clears below. Fed on every flush, so a resize falls between two frames.
     */
    private static final class Screen {
        private final List<StringBuilder> rows = new ArrayList<>();
        /** Whether each row continues the one before it (a wrapped line). */
        private final List<Boolean> continued = new ArrayList<>();
        private int width;
        private int cursor;
        private int frames;
        private boolean resized;
        final List<String> redrawnLines = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<String> redrawnAfterResize = new java.util.concurrent.CopyOnWriteArrayList<>();

        Screen(int width) {
            this.width = width;
        }

        PrintWriter writer() {
            StringBuilder pending = new StringBuilder();
            return new PrintWriter(new java.io.Writer() {
                @Override
                public void write(char[] c, int off, int len) {
                    pending.append(c, off, len);
                }

                @Override
                public void flush() {
                    feed(pending.toString());
                    pending.setLength(0);
                }

                @Override
                public void close() {}
            });
        }

        synchronized void feed(String text) {
            frames++;
            notifyAll();
            for (String line : text.split("\n", -1)) {
                if (isRunningLine(line)) {
                    int clear = line.lastIndexOf("\u001b[J");
                    String plain = clear < 0 ? line : line.substring(clear + 3);
                    redrawnLines.add(plain);
                    if (resized) {
                        redrawnAfterResize.add(plain);
                    }
                }
            }
            int i = 0;
            while (i < text.length()) {
                char ch = text.charAt(i);
                if (ch == '\u001b' && i + 1 < text.length() && text.charAt(i + 1) == '[') {
                    int j = i + 2;
                    while (text.charAt(j) < 0x40 || text.charAt(j) > 0x7e) {
                        j++;
                    }
                    String arg = text.substring(i + 2, j);
                    switch (text.charAt(j)) {
                        case 'F' -> cursor = Math.max(0, cursor - Integer.parseInt(arg));
                        case 'J' -> {
                            while (rows.size() > cursor) {
                                rows.removeLast();
                                continued.removeLast();
                            }
                        }
                        default -> { } // colours take no room
                    }
                    i = j + 1;
                } else if (ch == '\n') {
                    row();
                    cursor++;
                    i++;
                } else {
                    StringBuilder r = row();
                    if (ProgressDisplay.visibleLength(r.toString()) == width) {
                        cursor++;
                        rows.add(cursor, new StringBuilder());
                        continued.add(cursor, true);
                        r = rows.get(cursor);
                    }
                    int cp = text.codePointAt(i);
                    r.appendCodePoint(cp);
                    i += Character.charCount(cp);
                }
            }
        }

        private StringBuilder row() {
            while (rows.size() <= cursor) {
                rows.add(new StringBuilder());
                continued.add(false);
            }
            return rows.get(cursor);
        }

        synchronized void resize(int newWidth) {
            List<String> lines = new ArrayList<>();
            for (int r = 0; r < rows.size(); r++) {
                if (continued.get(r) && !lines.isEmpty()) {
                    lines.set(lines.size() - 1, lines.getLast() + rows.get(r));
                } else {
                    lines.add(rows.get(r).toString());
                }
            }
            rows.clear();
            continued.clear();
            for (String line : lines) {
                int[] cps = line.codePoints().toArray();
                int start = 0;
                do {
                    int end = Math.min(cps.length, start + newWidth);
                    rows.add(new StringBuilder(new String(cps, start, end - start)));
                    continued.add(start > 0);
                    start = end;
                } while (start < cps.length);
            }
            width = newWidth;
            cursor = rows.size();
            resized = true;
        }

        synchronized void awaitFrames(int n) throws InterruptedException {
            int target = frames + n;
            for (int tries = 0; frames < target && tries < 100; tries++) {
                wait(100);
            }
            assertThat(frames).as("frames drawn").isGreaterThanOrEqualTo(target);
        }

        synchronized List<String> rows() {
            return rows.stream().map(StringBuilder::toString).toList();
        }
    }
}
