package dev.acp.template;

import dev.acp.util.Suggestions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A string with {@code {{...}}} references. Supported forms: {@code {{steps.<id>.output}}},
 * {@code {{steps.<id>.text}}}, {@code {{steps.<id>.items}}}, {@code {{steps.<id>.outputs}}},
 * {@code {{steps.<id>.texts}}}, {@code {{inputs.<name>}}}, {@code {{env.<NAME>}}} and, inside a
 * for_each block, {@code {{item}}}, {@code {{item.<field>}}}, {@code {{index}}} and {@code {{index0}}}; spaces inside
 * the braces are allowed. A literal <code>{{</code> is written <code>\{{</code>.
 */
public final class Template {
    private static final Pattern ID = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");
    private static final List<String> ROOTS = List.of("steps", "inputs", "env", "item", "index", "index0");

    /** A piece of the template: fixed text or a reference. */
    public sealed interface Part permits Literal, Ref {}

    public record Literal(String text) implements Part {}

    /** @param offset where the <code>{{</code> starts in the source text */
    public record Ref(Reference reference, int offset) implements Part {}

    private final String source;
    private final List<Part> parts;

    private Template(String source, List<Part> parts) {
        this.source = source;
        this.parts = List.copyOf(parts);
    }

    /** True when {@code text} contains something that looks like a reference. */
    public static boolean hasReferences(String text) {
        return text.contains("{{");
    }

    public static Template parse(String text) throws TemplateSyntaxException {
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith("\\{{", i)) {
                literal.append("{{");
                i += 3;
                continue;
            }
            if (text.startsWith("{{", i)) {
                int close = text.indexOf("}}", i + 2);
                if (close < 0) {
                    throw new TemplateSyntaxException("'{{' is never closed", i,
                            "close it with '}}' or write '\\{{' for literal braces");
                }
                String expr = text.substring(i + 2, close).trim();
                if (!literal.isEmpty()) {
                    parts.add(new Literal(literal.toString()));
                    literal.setLength(0);
                }
                parts.add(new Ref(parseExpression(expr, i), i));
                i = close + 2;
                continue;
            }
            literal.append(text.charAt(i));
            i++;
        }
        if (!literal.isEmpty()) {
            parts.add(new Literal(literal.toString()));
        }
        return new Template(text, parts);
    }

    private static Reference parseExpression(String expr, int offset) throws TemplateSyntaxException {
        if (expr.isEmpty()) {
            throw new TemplateSyntaxException("empty reference '{{}}'", offset,
                    "write for example {{steps.<id>.output}} or {{inputs.<name>}}");
        }
        String[] segs = expr.split("\\.", -1);
        String root = segs[0];
        switch (root) {
            case "steps" -> {
                if (segs.length != 3 || !ID.matcher(segs[1]).matches()) {
                    throw new TemplateSyntaxException("'{{" + expr + "}}' is not a step reference", offset,
                            "write {{steps.<id>.output}} or {{steps.<id>.text}}");
                }
                var field = Reference.StepField.fromWireName(segs[2]);
                if (field.isEmpty()) {
                    String hint = Suggestions.nearest(segs[2], List.of("output", "text", "items", "outputs", "texts"))
                            .map(s -> "did you mean 'steps." + segs[1] + "." + s + "'?")
                            .orElse("use 'output' (the file), 'text' (the text result), 'items' (a JSON list result)"
                                    + " or 'outputs'/'texts' (of a step inside a for_each block)");
                    throw new TemplateSyntaxException("unknown step field '" + segs[2] + "' in '{{" + expr + "}}'",
                            offset, hint);
                }
                return new Reference.StepRef(segs[1], field.get());
            }
            case "inputs" -> {
                if (segs.length != 2 || !ID.matcher(segs[1]).matches()) {
                    throw new TemplateSyntaxException("'{{" + expr + "}}' is not an input reference", offset,
                            "write {{inputs.<name>}}");
                }
                return new Reference.InputRef(segs[1]);
            }
            case "env" -> {
                if (segs.length != 2 || !ID.matcher(segs[1]).matches()) {
                    throw new TemplateSyntaxException("'{{" + expr + "}}' is not an environment reference", offset,
                            "write {{env.NAME}}");
                }
                return new Reference.EnvRef(segs[1]);
            }
            case "item" -> {
                for (int k = 1; k < segs.length; k++) {
                    if (!ID.matcher(segs[k]).matches()) {
                        throw new TemplateSyntaxException("'{{" + expr + "}}' is not an item reference", offset,
                                "write {{item}} or {{item.<field>}}");
                    }
                }
                return new Reference.ItemRef(java.util.Arrays.asList(segs).subList(1, segs.length));
            }
            case "index", "index0" -> {
                if (segs.length != 1) {
                    throw new TemplateSyntaxException("'{{" + expr + "}}' is not an index reference", offset,
                            "write {{index}} (from 1) or {{index0}} (from 0)");
                }
                return new Reference.IndexRef(root.equals("index0"));
            }
            default -> {
                String hint = Suggestions.nearest(root, ROOTS)
                        .map(s -> "did you mean '" + s + "'?")
                        .orElse("references start with steps., inputs., env., item or index");
                throw new TemplateSyntaxException("unknown reference '{{" + expr + "}}'", offset, hint);
            }
        }
    }

    public String source() {
        return source;
    }

    public List<Part> parts() {
        return parts;
    }

    public List<Reference> references() {
        List<Reference> out = new ArrayList<>();
        for (Part p : parts) {
            if (p instanceof Ref r) {
                out.add(r.reference());
            }
        }
        return out;
    }

    /** True when the whole text is exactly one reference, whose value then keeps its type. */
    public boolean isSingleReference() {
        return parts.size() == 1 && parts.get(0) instanceof Ref;
    }

    /** Renders with values from {@code resolver}; a single reference keeps the value's type. */
    public Object render(Resolver resolver) {
        if (isSingleReference()) {
            return resolver.resolve(((Ref) parts.get(0)).reference());
        }
        StringBuilder sb = new StringBuilder();
        for (Part p : parts) {
            switch (p) {
                case Literal l -> sb.append(l.text());
                case Ref r -> sb.append(resolver.resolve(r.reference()));
            }
        }
        return sb.toString();
    }

    /** Supplies the value of a reference at run time. */
    @FunctionalInterface
    public interface Resolver {
        Object resolve(Reference reference);
    }
}
