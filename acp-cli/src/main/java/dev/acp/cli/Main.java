package dev.acp.cli;

import java.util.List;

/** The {@code acp} command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        // The launcher sets a soft heap limit for runs, which the serial collector needs help to keep.
        // Only there: the management interface costs a short command 30-150 ms of start-up.
        if (List.of(args).contains("run") || List.of(args).contains("batch")) {
            SerialHeapLimit.install();
        }
        int code = Cli.system().execute(args);
        // A tool a step started (ffmpeg, espeak-ng) must not outlive acp, even if it ignored its step's
        // cancellation.
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
        System.exit(code);
    }
}
