package dev.acp.content.items;

/**
 * What is wrong with a line of an items file, and how to fix it.
 *
 * @param file the file as the user named it
 * @param line the line, from 1
 * @param message what is wrong
 * @param fix what to do about it
 */
public record ItemProblem(String file, long line, String message, String fix) {
    /** {@code items.csv:12: the row has no id; give it one}. */
    public String render() {
        return file + ":" + line + ": " + message + "; " + fix;
    }
}
