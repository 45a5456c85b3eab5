package dev.acp.error;

/** A run was refused for its cost: above the limit or not confirmed. Exit code 4. */
public final class BudgetRefusedException extends AcpException {
    public BudgetRefusedException(String message) {
        super(message);
    }
}
