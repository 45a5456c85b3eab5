package dev.acp.error;

/** Invalid use of a command: a bad flag value, a missing file, an unknown run id. Exit code 2. */
public final class UsageException extends AcpException {
    public UsageException(String message) {
        super(message);
    }

    public UsageException(String message, Throwable cause) {
        super(message, cause);
    }
}
