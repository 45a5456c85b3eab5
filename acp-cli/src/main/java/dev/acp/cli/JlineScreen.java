package dev.acp.cli;

import dev.acp.env.Environment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.InfoCmp;

/**
 * The terminal standard error is written to, asked through JLine: its size (read again when the
 * window is resized, SIGWINCH) and its colours (terminfo's {@code max_colors} for {@code TERM}).
 * The only class that touches JLine, so that JLine is loaded only when a command draws on a
 * terminal. JLine is kept away from other signals: Ctrl-C, SIGTERM and SIGHUP stay with
 * {@link SignalInterrupts}.
 */
final class JlineScreen implements Terminal.Screen {
    /** Used until the terminal answers, and when it cannot (a dumb terminal, no stty). */
    static final int FALLBACK_COLUMNS = 80;

    private final org.jline.terminal.Terminal device;
    private final boolean colours;
    private volatile int columns;

    private JlineScreen(org.jline.terminal.Terminal device) {
        this.device = device;
        Integer max = device.getNumericCapability(InfoCmp.Capability.max_colors);
        this.colours = max != null && max >= 8;
        this.columns = read();
    }

    /** The process's terminal, or a plain 80-column one with colours when JLine cannot reach it. */
    static Terminal.Screen open(Environment env) {
        try {
            org.jline.terminal.Terminal device = TerminalBuilder.builder()
                    .system(true)
                    .systemOutput(TerminalBuilder.SystemOutput.SysErr)
                    // No handlers for INT, TSTP and the rest: JLine would replace the ones ACP has.
                    .nativeSignals(false)
                    .dumb(true) // a dumb terminal rather than a warning on stderr when none is found
                    .type(env.get("TERM").orElse(null))
                    .encoding(StandardCharsets.UTF_8)
                    .build();
            if (device.getType() != null && device.getType().startsWith("dumb")) {
                return fallback();
            }
            JlineScreen screen = new JlineScreen(device);
            // The window's size changes only with SIGWINCH; reading it on each redraw would run stty.
            org.jline.utils.Signals.register("WINCH", screen::resized);
            return screen;
        } catch (IOException | RuntimeException | LinkageError e) {
            return fallback();
        }
    }

    private static Terminal.Screen fallback() {
        return new Terminal.Screen() {
            @Override
            public int columns() {
                return FALLBACK_COLUMNS;
            }

            @Override
            public boolean colours() {
                return true;
            }
        };
    }

    private void resized() {
        columns = read();
    }

    private int read() {
        try {
            int w = device.getWidth();
            return w > 0 ? w : FALLBACK_COLUMNS;
        } catch (RuntimeException e) {
            return columns > 0 ? columns : FALLBACK_COLUMNS;
        }
    }

    @Override
    public int columns() {
        return columns;
    }

    @Override
    public boolean colours() {
        return colours;
    }
}
