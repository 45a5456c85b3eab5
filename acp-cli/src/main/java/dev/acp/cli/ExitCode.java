package dev.acp.cli;

import dev.acp.engine.RunStatus;
import dev.acp.error.AcpException;
import dev.acp.error.BudgetRefusedException;
import dev.acp.error.CredentialsException;
import dev.acp.error.PipelineInvalidException;
import dev.acp.error.ProviderException;
import dev.acp.error.UsageException;

/** The exit codes of {@code acp} (ARCHITECTURE.md section 7), and the one mapping onto them. */
public enum ExitCode {
    OK(0),
    /** The run finished with failed or skipped steps. */
    FAILED_STEPS(1),
    /** Invalid usage or configuration. */
    USAGE(2),
    /** Missing or refused credentials. */
    CREDENTIALS(3),
    /** Refused for cost: estimate above the limit, or not confirmed. */
    BUDGET(4),
    /** Interrupted (Ctrl-C); the run can be resumed. */
    INTERRUPTED(5),
    /** Stopped by SIGHUP (the terminal closed) like Ctrl-C; the run can be resumed. 128 + 1, as shells report it. */
    HANGUP(129),
    /** Stopped by SIGTERM (a service manager, {@code kill}) like Ctrl-C; the run can be resumed. 128 + 15. */
    TERMINATED(143),
    /** A defect in ACP. */
    INTERNAL(70);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static ExitCode of(AcpException e) {
        return switch (e) {
            case PipelineInvalidException p -> p.onlyCredentials() ? CREDENTIALS : USAGE;
            case UsageException u -> USAGE;
            case CredentialsException c -> CREDENTIALS;
            case BudgetRefusedException b -> BUDGET;
            case ProviderException p -> switch (p.kind()) {
                case AUTH -> CREDENTIALS;
                case QUOTA -> BUDGET;
                default -> FAILED_STEPS;
            };
        };
    }

    public static ExitCode of(RunStatus status) {
        return switch (status) {
            case SUCCEEDED -> OK;
            case PARTIAL -> FAILED_STEPS;
            case INTERRUPTED -> INTERRUPTED;
        };
    }
}
