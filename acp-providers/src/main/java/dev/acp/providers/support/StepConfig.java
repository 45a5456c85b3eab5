package dev.acp.providers.support;

import dev.acp.provider.Provider.Issue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * A step's config as a provider reads it. The same reading serves validation (where
 * {@code {{...}}} templates are not resolved yet and are accepted as they are, and files are not
 * read) and execution (where a problem is a VALIDATION failure before anything is sent), so both
 * say the same thing. Each provider adds how it reports the first problem.
 */
public class StepConfig {
    private final Map<String, Object> values;
    private final boolean checking;
    private final List<Issue> issues = new ArrayList<>();

    protected StepConfig(Map<String, Object> values, boolean checking) {
        this.values = values;
        this.checking = checking;
    }

    /** True at validation time: templates are unresolved and input files are not read. */
    public boolean checking() {
        return checking;
    }

    public boolean has(String name) {
        return values.get(name) != null;
    }

    /** True when {@code name} holds a template that only the run can fill in. */
    public boolean deferred(String name) {
        return checking && values.get(name) instanceof String s && s.contains("{{");
    }

    public boolean anyDeferred(String... names) {
        for (String name : names) {
            if (deferred(name)) {
                return true;
            }
        }
        return false;
    }

    /** The first of {@code names} holding non-blank text (numbers as text). */
    public Optional<String> text(String... names) {
        for (String name : names) {
            Object v = values.get(name);
            if (v instanceof String s && !s.isBlank()) {
                return Optional.of(s.strip());
            }
            if (v instanceof Number n) {
                return Optional.of(n.toString());
            }
        }
        return Optional.empty();
    }

    /** The first of {@code names} that is present, for messages. */
    public @Nullable String presentKey(String... names) {
        for (String name : names) {
            if (values.get(name) != null) {
                return name;
            }
        }
        return null;
    }

    /** The first of {@code names} holding text; records an issue when none does and none is deferred. */
    public String required(String what, String fix, String... names) {
        Optional<String> v = text(names);
        if (v.isEmpty() && !anyDeferred(names)) {
            issue(names[0], what, fix);
        }
        return v.orElse("");
    }

    /** A whole number in [min, max], or empty when absent, deferred or wrong (then with an issue). */
    public OptionalInt integer(String name, int min, int max) {
        Object v = values.get(name);
        if (v == null || deferred(name)) {
            return OptionalInt.empty();
        }
        Long n = v instanceof Number x && x.doubleValue() == Math.rint(x.doubleValue()) ? Long.valueOf(x.longValue())
                : v instanceof String s && s.strip().matches("-?\\d{1,18}") ? Long.valueOf(s.strip()) : null;
        if (n == null || n < min || n > max) {
            issue(name, name + " must be a whole number from " + min + " to " + max + ", not '" + v + "'",
                    "set " + name + " between " + min + " and " + max);
            return OptionalInt.empty();
        }
        return OptionalInt.of(n.intValue());
    }

    /** A number in [min, max], or empty when absent, deferred or wrong (then with an issue). */
    public Optional<Double> number(String name, double min, double max) {
        Object v = values.get(name);
        if (v == null || deferred(name)) {
            return Optional.empty();
        }
        Double d = null;
        if (v instanceof Number x) {
            d = x.doubleValue();
        } else if (v instanceof String s) {
            try {
                d = Double.parseDouble(s.strip());
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        if (d == null || d.isNaN() || d < min || d > max) {
            issue(name, name + " must be a number from " + num(min) + " to " + num(max) + ", not '" + v + "'",
                    "set " + name + " between " + num(min) + " and " + num(max));
            return Optional.empty();
        }
        return Optional.of(d);
    }

    /** true or false, or empty when absent or deferred. */
    public Optional<Boolean> bool(String name) {
        Object v = values.get(name);
        if (v == null || deferred(name)) {
            return Optional.empty();
        }
        if (v instanceof Boolean b) {
            return Optional.of(b);
        }
        String s = v.toString().strip().toLowerCase(Locale.ROOT);
        if (s.equals("true") || s.equals("false")) {
            return Optional.of(Boolean.parseBoolean(s));
        }
        issue(name, name + " must be true or false, not '" + v + "'", "write '" + name + ": true'");
        return Optional.empty();
    }

    /** One of {@code allowed} (compared as written, case-insensitively), or empty when absent, deferred or wrong. */
    public Optional<String> choice(String name, Collection<String> allowed, String what) {
        Object v = values.get(name);
        if (v == null || deferred(name)) {
            return Optional.empty();
        }
        String s = v.toString().strip();
        for (String a : allowed) {
            if (a.equalsIgnoreCase(s)) {
                return Optional.of(a);
            }
        }
        issue(name, what + " takes " + name + " " + String.join(" or ", allowed) + ", not '" + v + "'",
                "write one of them");
        return Optional.empty();
    }

    /** The seed as a whole number, or empty. */
    public Optional<Long> seed() {
        Object v = values.get("seed");
        if (v == null || deferred("seed")) {
            return Optional.empty();
        }
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return Optional.of(n.longValue());
        }
        if (v instanceof String s && s.strip().matches("-?\\d{1,18}")) {
            return Optional.of(Long.parseLong(s.strip()));
        }
        issue("seed", "seed must be a whole number, not '" + v + "'", "write for example 'seed: 42'");
        return Optional.empty();
    }

    public void issue(@Nullable String parameter, String message, String fix) {
        issues.add(new Issue(parameter, message, fix));
    }

    /** A finding that does not stop the step: a part the provider or model ignores. */
    public void warn(@Nullable String parameter, String message, String fix) {
        issues.add(Issue.warning(parameter, message, fix));
    }

    /** The raw value of {@code name}, or null. */
    public @Nullable Object raw(String name) {
        return values.get(name);
    }

    /** The whole config, for readers shared with other providers. */
    public Map<String, Object> values() {
        return values;
    }

    public List<Issue> issues() {
        return List.copyOf(issues);
    }

    private static String num(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
