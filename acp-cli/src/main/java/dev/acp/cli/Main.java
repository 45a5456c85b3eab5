package dev.acp.cli;

/** The {@code acp} command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(Cli.system().execute(args));
    }
}
