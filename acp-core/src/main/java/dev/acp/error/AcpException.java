package dev.acp.error;

/**
 * Base of every failure ACP reports to its user. The set is closed so that the CLI maps each
 * kind to exactly one exit code with an exhaustive switch.
 */
public abstract sealed class AcpException extends RuntimeException
        permits ProviderException, PipelineInvalidException, UsageException, CredentialsException,
                BudgetRefusedException {

    protected AcpException(String message) {
        super(message);
    }

    protected AcpException(String message, Throwable cause) {
        super(message, cause);
    }
}
