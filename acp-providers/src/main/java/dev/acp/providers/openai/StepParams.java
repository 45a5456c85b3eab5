package dev.acp.providers.openai;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.provider.Provider.Issue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * A step's config as the chat tasks read it. The same reading serves validation (where
 * {@code {{...}}} templates are not resolved yet and are accepted as they are) and execution
 * (where a problem is a VALIDATION failure before anything is sent), so both say the same thing.
 */
final class StepParams {
    private final Map<String, Object> values;
    private final boolean checking;
    private final List<Issue> issues = new ArrayList<>();

    private StepParams(Map<String, Object> values, boolean checking) {
        this.values = values;
        this.checking = checking;
    }

    static StepParams forCheck(Map<String, Object> values) {
        return new StepParams(values, true);
    }

    static StepParams forExecute(Map<String, Object> values) {
        return new StepParams(values, false);
    }

    /** True at validation time: templates are unresolved and input files are not read. */
    boolean checking() {
        return checking;
    }

    /** True when {@code name} holds a template that only the run can fill in. */
    boolean deferred(String name) {
        return checking && values.get(name) instanceof String s && s.contains("{{");
    }

    /** The first of {@code names} holding non-blank text (numbers as text). */
    Optional<String> text(String... names) {
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

    /** True when any of {@code names} is deferred. */
    boolean anyDeferred(String... names) {
        for (String name : names) {
            if (deferred(name)) {
                return true;
            }
        }
        return false;
    }

    /** The first of {@code names} holding text; records an issue when none does and none is deferred. */
    String required(String what, String fix, String... names) {
        Optional<String> v = text(names);
        if (v.isEmpty() && !anyDeferred(names)) {
            issue(names[0], what, fix);
        }
        return v.orElse("");
    }

    /** A whole number in [min, max], or empty when absent, deferred or wrong (then with an issue). */
    OptionalInt integer(String name, int min, int max) {
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
    Optional<Double> number(String name, double min, double max) {
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

    /** The seed as a whole number, or empty. */
    Optional<Long> seed() {
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

    void issue(@Nullable String parameter, String message, String fix) {
        issues.add(new Issue(parameter, message, fix));
    }

    /** A finding that does not stop the step: a part the provider or model ignores. */
    void warn(@Nullable String parameter, String message, String fix) {
        issues.add(Issue.warning(parameter, message, fix));
    }

    /** The raw value of {@code name}, or null. */
    @Nullable Object raw(String name) {
        return values.get(name);
    }

    /** The whole config, for readers shared with other providers. */
    Map<String, Object> values() {
        return values;
    }

    List<Issue> issues() {
        return List.copyOf(issues);
    }

    /** At run time: the first problem as a VALIDATION failure, before anything is paid for. */
    void throwIfInvalid(String provider) throws ProviderException {
        Optional<Issue> error = issues.stream().filter(i -> !i.isWarning()).findFirst();
        if (error.isPresent()) {
            Issue i = error.get();
            throw new ProviderException(ErrorKind.VALIDATION, provider + ": " + i.message() + " (" + i.fix() + ")");
        }
    }

    private static String num(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
