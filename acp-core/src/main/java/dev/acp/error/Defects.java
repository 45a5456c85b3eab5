package dev.acp.error;

/**
 * What a defect or an exhausted JVM says to a user: in words, never a Java class name. The
 * engine (a step that died) and the command line (a command that died) both describe it here and
 * add what the user should do next in their own setting.
 */
public final class Defects {
    private Defects() {
    }

    /**
     * "ran out of memory (...)" with the heap's limit and how to raise it, or "an internal error
     * (detail)" for anything else.
     */
    public static String describe(Throwable t) {
        if (t instanceof OutOfMemoryError) {
            long mib = Runtime.getRuntime().maxMemory() / (1024 * 1024);
            return "ran out of memory (ACP's Java heap is limited to " + mib + " MB); give it more with"
                    + " ACP_JAVA_OPTS=-Xmx2g";
        }
        if (t instanceof StackOverflowError) {
            return "an internal error (a call nested too deeply)";
        }
        String detail = t.getMessage() == null || t.getMessage().isBlank() ? "no detail" : t.getMessage();
        return "an internal error (" + detail + ")";
    }
}
