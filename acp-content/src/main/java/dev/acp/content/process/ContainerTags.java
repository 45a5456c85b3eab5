package dev.acp.content.process;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The container-level metadata tags in what {@code ffmpeg -i FILE} prints: the {@code Metadata:}
 * block right under {@code Input #0}, indented by two spaces, one {@code key : value} a line
 * indented by four, a value of several lines continued under an empty key. Stream-level blocks,
 * after the {@code Duration:} line, are not the file's.
 */
final class ContainerTags {
    private static final Pattern TAG = Pattern.compile("^ {4}([^\\s:][^:]*?)\\s*: ?(.*)$");
    private static final Pattern CONTINUED = Pattern.compile("^ {5,}: ?(.*)$");

    private ContainerTags() {}

    static Map<String, String> parse(String stderr) {
        Map<String, String> tags = new LinkedHashMap<>();
        String[] lines = stderr.split("\\R");
        int i = 0;
        while (i < lines.length && !lines[i].startsWith("Input #0")) {
            i++;
        }
        if (i + 1 >= lines.length || !lines[i + 1].equals("  Metadata:")) {
            return tags;
        }
        String last = null;
        for (i += 2; i < lines.length; i++) {
            Matcher tag = TAG.matcher(lines[i]);
            Matcher continued = CONTINUED.matcher(lines[i]);
            if (tag.matches()) {
                last = tag.group(1);
                tags.put(last, tag.group(2).strip());
            } else if (continued.matches() && last != null) {
                tags.put(last, tags.get(last) + "\n" + continued.group(1).strip());
            } else {
                break;
            }
        }
        return tags;
    }
}
