package dev.acp.template;

/**
 * A malformed {@code {{...}}} expression.
 *
 * @see Template#parse(String)
 */
public final class TemplateSyntaxException extends Exception {
    private final int offset;
    private final String fix;

    public TemplateSyntaxException(String message, int offset, String fix) {
        super(message);
        this.offset = offset;
        this.fix = fix;
    }

    /** The index in the template text where the problem starts. */
    public int offset() {
        return offset;
    }

    public String fix() {
        return fix;
    }
}
