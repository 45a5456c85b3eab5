package dev.acp.cli;

import dev.acp.env.Environment;

/**
 * What the output device can do: whether it is an interactive terminal (live progress redraws
 * lines in place) and whether colour is wanted ({@code NO_COLOR} and {@code TERM=dumb} respected).
 */
public record Terminal(boolean interactive, boolean color, int width) {

    public static Terminal plain() {
        return new Terminal(false, false, 100);
    }

    /** Detects the terminal of this process. */
    public static Terminal detect(Environment env) {
        boolean tty = isTerminal();
        boolean dumb = env.get("TERM").map("dumb"::equals).orElse(false);
        boolean color = tty && !dumb && env.get("NO_COLOR").isEmpty();
        int width = env.get("COLUMNS").flatMap(Terminal::parseInt).orElse(100);
        return new Terminal(tty && !dumb, color, Math.max(60, width));
    }

    private static java.util.Optional<Integer> parseInt(String s) {
        try {
            return java.util.Optional.of(Integer.parseInt(s.trim()));
        } catch (NumberFormatException e) {
            return java.util.Optional.empty();
        }
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
        return color ? "\u001b[" + code + "m" + s + "\u001b[0m" : s;
    }
}
