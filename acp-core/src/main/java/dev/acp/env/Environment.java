package dev.acp.env;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The process environment as an injectable value, so that tests never mutate the real one and
 * every lookup of a variable goes through one place.
 */
public interface Environment {

    /** The value of {@code name}, if it is set and not blank. */
    Optional<String> get(String name);

    /** All variables, for templates that enumerate nothing but must check names. */
    Map<String, String> asMap();

    static Environment system() {
        return of(System.getenv());
    }

    static Environment of(Map<String, String> variables) {
        Map<String, String> copy = new TreeMap<>(variables);
        return new Environment() {
            @Override
            public Optional<String> get(String name) {
                String v = copy.get(name);
                return v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
            }

            @Override
            public Map<String, String> asMap() {
                return java.util.Collections.unmodifiableMap(copy);
            }
        };
    }

    /** A copy of this environment with {@code name} set to {@code value}. */
    default Environment with(String name, String value) {
        Map<String, String> copy = new TreeMap<>(asMap());
        copy.put(name, value);
        return of(copy);
    }
}
