package dev.acp.cli;

import dev.acp.env.Environment;

/**
 * What the output device can do: whether it is an interactive terminal (live progress redraws
 * lines in place), whether colour is wanted ({@code NO_COLOR} and {@code TERM=dumb} respected) and
 * shown, and how wide it is now. Width and colours come from the terminal itself (through JLine,
 * {@link JlineScreen}), asked only when a command first needs them and only when standard error
 * is a terminal: {@code acp --version} and redirected output never load JLine.
 */
public final class Terminal {

    /** The device: its width now (it may be resized) and whether it shows colours. */
    interface Screen {
        int columns();

        boolean colours();
    }

    private final boolean interactive;
    private final boolean colorAllowed;
    private final java.util.function.Supplier<Screen> opener;
    private volatile Screen screen;

    private Terminal(boolean interactive, boolean colorAllowed, java.util.function.Supplier<Screen> opener) {
        this.interactive = interactive;
        this.colorAllowed = colorAllowed;
        this.opener = opener;
    }

    /** A terminal of a fixed width (tests, and what is not a terminal). */
    public Terminal(boolean interactive, boolean color, int width) {
        this(interactive, color, () -> width);
    }

    /** A terminal whose width is read each time it is needed, as a resized window's is. */
    public Terminal(boolean interactive, boolean color, java.util.function.IntSupplier width) {
        this(interactive, color, () -> new Screen() {
            @Override
            public int columns() {
                return width.getAsInt();
            }

            @Override
            public boolean colours() {
                return true;
            }
        });
    }

    public static Terminal plain() {
        return new Terminal(false, false, 100);
    }

    /** Detects the terminal of this process. */
    public static Terminal detect(Environment env) {
        boolean dumb = env.get("TERM").map("dumb"::equals).orElse(false);
        if (dumb || !isTerminal()) {
            return plain();
        }
        return new Terminal(true, env.get("NO_COLOR").isEmpty(), () -> JlineScreen.open(env));
    }

    public boolean interactive() {
        return interactive;
    }

    /** Whether to paint: allowed by the environment and shown by the device. */
    public boolean color() {
        return colorAllowed && screen().colours();
    }

    /** The columns of the terminal now; read again after every resize. */
    public int width() {
        return Math.max(1, screen().columns());
    }

    private Screen screen() {
        Screen s = screen;
        if (s == null) {
            synchronized (this) {
                s = screen;
                if (s == null) {
                    s = opener.get();
                    screen = s;
                }
            }
        }
        return s;
    }

    /** Whether standard input is a terminal, so that questions can be answered (Linux; elsewhere the console). */
    static boolean stdinIsTerminal() {
        java.nio.file.Path fd0 = java.nio.file.Path.of("/proc/self/fd/0");
        if (java.nio.file.Files.exists(fd0, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try {
                String target = java.nio.file.Files.readSymbolicLink(fd0).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            } catch (java.io.IOException | UnsupportedOperationException e) {
                return false;
            }
        }
        return System.console() != null;
    }

    private static boolean isTerminal() {
        // Progress goes to stderr, so stderr is what must be a terminal. Linux says so in /proc;
        // elsewhere the console (stdin and stdout) is the best available hint.
        java.nio.file.Path fd2 = java.nio.file.Path.of("/proc/self/fd/2");
        if (java.nio.file.Files.exists(fd2, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try {
                String target = java.nio.file.Files.readSymbolicLink(fd2).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            } catch (java.io.IOException | UnsupportedOperationException e) {
                // Fall through to the console check.
            }
        }
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        // From Java 22, System.console() exists even when redirected; Console.isTerminal() tells.
        try {
            return (boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    public String green(String s) {
        return paint("32", s);
    }

    public String red(String s) {
        return paint("31", s);
    }

    public String yellow(String s) {
        return paint("33", s);
    }

    public String dim(String s) {
        return paint("2", s);
    }

    public String bold(String s) {
        return paint("1", s);
    }

    private String paint(String code, String s) {
        return color() ? "\u001b[" + code + "m" + s + "\u001b[0m" : s;
    }
}
