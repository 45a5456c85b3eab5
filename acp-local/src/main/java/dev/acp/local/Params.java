package dev.acp.local;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.local.support.StableHash;
import dev.acp.provider.Provider.Issue;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Reads a step's parameters, collecting every problem instead of stopping at the first. The same
 * reading code runs at validation time ({@link #forCheck}) and at execution ({@link #forExecute});
 * at validation a string holding a template ({@code {{...}}} or {@code ${...}}) is not known yet,
 * so it is skipped rather than judged.
 */
final class Params {
    private final Map<String, Object> values;
    private final boolean checking;
    private final List<Issue> issues = new ArrayList<>();

    private Params(Map<String, Object> values, boolean checking) {
        this.values = values;
        this.checking = checking;
    }

    static Params forCheck(Map<String, Object> values) {
        return new Params(values, true);
    }

    static Params forExecute(Map<String, Object> values) {
        return new Params(values, false);
    }

    /** True at validation time, when templates are not yet filled in and input files may not exist. */
    boolean checking() {
        return checking;
    }

    boolean has(String name) {
        return values.get(name) != null;
    }

    private boolean deferred(@Nullable Object value) {
        return checking && value instanceof String s && (s.contains("{{") || s.contains("${"));
    }

    /** True when {@code name} holds a template that validation cannot judge. */
    boolean isDeferred(String name) {
        return deferred(values.get(name));
    }

    /** The first of {@code names} holding non-blank text (numbers and booleans as text). */
    Optional<String> text(String... names) {
        for (String name : names) {
            Object v = values.get(name);
            if (v == null) {
                continue;
            }
            if (v instanceof String s) {
                if (!s.isBlank()) {
                    return Optional.of(s);
                }
            } else if (v instanceof Number || v instanceof Boolean) {
                return Optional.of(v.toString());
            } else {
                issue(name, name + " must be text, was " + describe(v), "write " + name + " as a plain string");
            }
        }
        return Optional.empty();
    }

    /** The raw value of {@code name}. */
    Optional<Object> raw(String name) {
        return Optional.ofNullable(values.get(name));
    }

    /**
     * A number within {@code [min, max]}; strings holding a number are accepted, with an optional
     * {@code unit} suffix ({@code "5s"}). Records an issue and returns empty when it is not.
     */
    Optional<Double> number(String name, double min, double max, @Nullable String unit, String fix) {
        Object v = values.get(name);
        if (v == null || deferred(v)) {
            return Optional.empty();
        }
        Double d = null;
        if (v instanceof Number n) {
            d = n.doubleValue();
        } else if (v instanceof String s) {
            String t = s.strip().toLowerCase(Locale.ROOT);
            if (unit != null && t.endsWith(unit)) {
                t = t.substring(0, t.length() - unit.length()).strip();
            }
            try {
                d = Double.parseDouble(t);
            } catch (NumberFormatException e) {
                d = null;
            }
        }
        if (d == null || d.isNaN() || d.isInfinite()) {
            issue(name, name + " must be a number, was " + describe(v), fix);
            return Optional.empty();
        }
        if (d < min || d > max) {
            issue(name, name + " must be between " + format(min) + " and " + format(max) + ", was " + format(d), fix);
            return Optional.empty();
        }
        return Optional.of(d);
    }

    /** A whole number within {@code [min, max]}; see {@link #number}. */
    Optional<Integer> integer(String name, int min, int max, String fix) {
        Optional<Double> d = number(name, min, max, null, fix);
        if (d.isEmpty()) {
            return Optional.empty();
        }
        if (d.get() != Math.rint(d.get())) {
            issue(name, name + " must be a whole number, was " + format(d.get()), fix);
            return Optional.empty();
        }
        return Optional.of(d.get().intValue());
    }

    /**
     * The {@code seed}: a whole number is used as is, any other text is hashed, and no seed is 0,
     * so that a step without a seed is still deterministic.
     */
    long seed() {
        Object v = values.get("seed");
        if (v == null || deferred(v)) {
            return 0;
        }
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.longValue();
        }
        if (v instanceof String s) {
            try {
                return Long.parseLong(s.strip());
            } catch (NumberFormatException e) {
                return StableHash.of("seed", s.strip());
            }
        }
        return StableHash.of("seed", v);
    }

    /** A list of strings: a list value, or one string split at commas. */
    List<String> strings(String name) {
        Object v = values.get(name);
        if (v == null || deferred(v)) {
            return List.of();
        }
        if (v instanceof String s) {
            return List.of(s.split("\\s*,\\s*")).stream().filter(t -> !t.isBlank()).toList();
        }
        if (v instanceof List<?> list) {
            List<String> out = new ArrayList<>();
            for (Object item : list) {
                if (item instanceof String s && !s.isBlank()) {
                    out.add(s.strip());
                } else if (item != null && !deferred(item)) {
                    issue(name, name + " must list names, found " + describe(item), "write " + name + " as a list of names");
                }
            }
            return out;
        }
        issue(name, name + " must be a name or a list of names, was " + describe(v), "write " + name + " as a list of names");
        return List.of();
    }

    /** Records a problem. */
    void issue(@Nullable String parameter, String message, String fix) {
        issues.add(new Issue(parameter, message, fix));
    }

    /** Records a finding that does not stop the step (a part of it this engine ignores). */
    void warn(@Nullable String parameter, String message, String fix) {
        issues.add(Issue.warning(parameter, message, fix));
    }

    List<Issue> issues() {
        return List.copyOf(issues);
    }

    /** At execution, fails with the first problem (and how many more there are); warnings do not count. */
    void throwIfInvalid() throws ProviderException {
        List<Issue> errors = issues.stream().filter(i -> !i.isWarning()).toList();
        if (errors.isEmpty()) {
            return;
        }
        Issue first = errors.getFirst();
        String more = errors.size() > 1 ? " (and " + (errors.size() - 1) + " more problem" + (errors.size() > 2 ? "s" : "") + ")" : "";
        throw new ProviderException(ErrorKind.VALIDATION, first.message() + "; " + first.fix() + more);
    }

    static String describe(Object v) {
        if (v instanceof String s) {
            return "'" + s + "'";
        }
        if (v instanceof List<?>) {
            return "a list";
        }
        if (v instanceof Map<?, ?>) {
            return "a map";
        }
        return String.valueOf(v);
    }

    static String format(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
