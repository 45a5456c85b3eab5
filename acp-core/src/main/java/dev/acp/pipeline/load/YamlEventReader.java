package dev.acp.pipeline.load;

import dev.acp.pipeline.Problem;
import dev.acp.pipeline.SourceLocation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads the YAML that pipelines and the catalogs are written in straight from SnakeYAML's
 * events, giving the same {@link Node}s as Jackson's YAML parser (which wraps the same SnakeYAML
 * parser): same locations, same scalar types (YAML 1.1 resolution, empty as null, decimal
 * integers as Long, floats as Double, yes/no/on/off as booleans).
 *
 * <p>Why not Jackson here: its parser is a layer per token over the same events, and its first
 * use initialises {@code BigDecimal}, whose static initialiser computes 5^65536 on JDK 25 (a
 * tenth of the CPU of {@code acp config validate} on a missing file). Anything this reader does
 * not handle exactly as Jackson does (aliases, explicit tags, hexadecimal, octal, underscores,
 * long numbers, infinities, syntax errors) makes it decline the whole document with
 * {@link Optional#empty()}, and the caller reads it with Jackson: one behaviour, and the general
 * reader stays the reference.
 */
final class YamlEventReader {
    /** Jackson's default {@code LoaderOptions}: the same document size limit (3 MiB). */
    private static final LoaderOptions OPTIONS = new LoaderOptions();

    /** Longest integer read here: 18 digits always fit a long; longer ones go to Jackson. */
    private static final int MAX_INT_DIGITS = 18;
    /** Longest float read here; Jackson limits number lengths (1,000), so long ones go to it. */
    private static final int MAX_FLOAT_CHARS = 64;

    private final Resolver resolver = new Resolver();
    private final int maxDepth;

    YamlEventReader(int maxDepth) {
        this.maxDepth = maxDepth;
    }

    /** Thrown to hand the document to the general reader. */
    private static final class Declined extends Exception {
        Declined() {
            super(null, null, false, false);
        }
    }

    /**
     * The document's root node (null for a document that is only {@code null}), or empty when the
     * general reader must read it. Duplicate keys are added to {@code problems} as the general
     * reader adds them; nothing is added when the document is declined.
     */
    Optional<Result> read(String text, String file) {
        List<Problem> problems = new ArrayList<>();
        try {
            ParserImpl parser = new ParserImpl(new StreamReader(text), OPTIONS);
            Event e = parser.getEvent();
            // Like Jackson: document markers are skipped, and the end of the stream is an empty file.
            while (e.is(Event.ID.StreamStart) || e.is(Event.ID.DocumentStart) || e.is(Event.ID.DocumentEnd)) {
                e = parser.getEvent();
            }
            if (e.is(Event.ID.StreamEnd)) {
                return Optional.of(new Result(null, problems));
            }
            return Optional.of(new Result(value(parser, e, file, problems, 0), problems));
        } catch (Declined | RuntimeException e) {
            // SnakeYAML's syntax errors are runtime exceptions; the general reader words them.
            return Optional.empty();
        }
    }

    /** What {@link #read} found: the root (null when the document is empty) and duplicate keys. */
    record Result(@Nullable Node root, List<Problem> problems) {}

    private Node value(ParserImpl parser, Event e, String file, List<Problem> problems, int depth)
            throws Declined {
        if (depth > maxDepth) {
            throw new Declined();
        }
        SourceLocation at = location(e.getStartMark(), file);
        switch (e.getEventId()) {
            case Scalar -> {
                return new Node.ScalarNode(at, scalar((ScalarEvent) e));
            }
            case MappingStart -> {
                Map<String, Node.Entry> entries = new LinkedHashMap<>();
                for (Event k = parser.getEvent(); !k.is(Event.ID.MappingEnd); k = parser.getEvent()) {
                    if (!(k instanceof ScalarEvent key)) {
                        throw new Declined(); // a complex key: Jackson refuses it in its own words
                    }
                    SourceLocation keyAt = location(k.getStartMark(), file);
                    Node value = value(parser, parser.getEvent(), file, problems, depth + 1);
                    NodeReader.putEntry(entries, key.getValue(), keyAt, value, problems);
                }
                return new Node.MapNode(at, entries);
            }
            case SequenceStart -> {
                List<Node> items = new ArrayList<>();
                for (Event i = parser.getEvent(); !i.is(Event.ID.SequenceEnd); i = parser.getEvent()) {
                    items.add(value(parser, i, file, problems, depth + 1));
                }
                return new Node.ListNode(at, items);
            }
            default -> throw new Declined(); // an alias (Jackson gives its anchor's name), or worse
        }
    }

    /** A scalar's value as Jackson's YAML parser types it. */
    private @Nullable Object scalar(ScalarEvent e) throws Declined {
        String value = e.getValue();
        String tag = e.getTag();
        if (tag != null && !tag.equals("!")) {
            throw new Declined(); // !!int, !!binary, custom tags
        }
        Tag resolved = resolver.resolve(NodeId.scalar, value, e.getImplicit().canOmitTagInPlainScalar());
        if (resolved == Tag.STR) {
            return value;
        }
        if (resolved == Tag.NULL) {
            return null;
        }
        if (resolved == Tag.BOOL) {
            return bool(value);
        }
        if (resolved == Tag.INT) {
            return decimal(value);
        }
        if (resolved == Tag.FLOAT) {
            if (value.length() > MAX_FLOAT_CHARS || value.indexOf('_') >= 0) {
                throw new Declined();
            }
            try {
                return Double.parseDouble(value);
            } catch (NumberFormatException notJava) {
                throw new Declined(); // .inf, .nan, 1:30.5
            }
        }
        return value; // timestamps, merge keys and the like stay text, as in Jackson
    }

    /** Jackson's YAML 1.1 booleans; what the resolver calls a boolean is one of these words. */
    private static Object bool(String value) {
        return switch (value.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "on" -> Boolean.TRUE;
            case "false", "no", "off" -> Boolean.FALSE;
            default -> value;
        };
    }

    /** A plain decimal integer as a Long; other integer forms are left to Jackson. */
    private static Long decimal(String value) throws Declined {
        int start = value.startsWith("-") || value.startsWith("+") ? 1 : 0;
        int digits = value.length() - start;
        if (digits < 1 || digits > MAX_INT_DIGITS || (value.charAt(start) == '0' && digits > 1)) {
            throw new Declined();
        }
        for (int i = start; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                throw new Declined(); // underscores, 1:30 (base 60)
            }
        }
        return Long.parseLong(value);
    }

    private static SourceLocation location(Mark m, String file) {
        return new SourceLocation(file, m.getLine() + 1, m.getColumn() + 1);
    }
}
