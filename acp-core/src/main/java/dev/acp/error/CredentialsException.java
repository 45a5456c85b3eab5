package dev.acp.error;

/** Credentials a run needs are missing or were refused. Exit code 3. */
public final class CredentialsException extends AcpException {
    public CredentialsException(String message) {
        super(message);
    }
}
