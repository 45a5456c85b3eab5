package dev.acp.cli;

/** The {@code acp} command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        // The launcher sets a soft heap limit for runs; the serial collector needs help to keep it.
        SerialHeapLimit.install();
        int code = Cli.system().execute(args);
        // A tool a step started (ffmpeg, espeak-ng) must not outlive acp, even if it ignored its step's
        // cancellation.
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
        System.exit(code);
    }
}
