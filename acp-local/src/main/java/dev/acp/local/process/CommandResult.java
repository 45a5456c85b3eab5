package dev.acp.local.process;

import java.util.ArrayList;
import java.util.List;

/**
 * How an external program ended.
 *
 * @param exitCode the program's exit status
 * @param stderr its standard error output; only the last part is kept when it is very long
 */
public record CommandResult(int exitCode, String stderr) {

    private static final int MAX_TAIL_CHARS = 400;

    /** True when the program exited with status 0. */
    public boolean succeeded() {
        return exitCode == 0;
    }

    /**
     * The last {@code lines} non-blank lines of the error output joined with {@code " | "} and
     * trimmed to a few hundred characters: short enough for a one-line error message.
     */
    public String stderrTail(int lines) {
        String[] all = stderr.split("\\R");
        List<String> kept = new ArrayList<>();
        for (int i = all.length - 1; i >= 0 && kept.size() < lines; i--) {
            String line = all[i].strip();
            if (!line.isEmpty()) {
                kept.addFirst(line);
            }
        }
        String joined = String.join(" | ", kept);
        if (joined.isEmpty()) {
            return "(no error output)";
        }
        return joined.length() <= MAX_TAIL_CHARS
                ? joined
                : "…" + joined.substring(joined.length() - MAX_TAIL_CHARS + 1);
    }
}
