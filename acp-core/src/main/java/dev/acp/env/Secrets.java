package dev.acp.env;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The values of secret environment variables (API keys, tokens, passwords), so that anything ACP
 * prints or writes can be masked: a key pasted into a config field through {@code ${FAL_KEY}}, or
 * echoed back in a provider's error message, never reaches a terminal, log or report. Errs towards
 * masking too much.
 */
public final class Secrets {
    /**
     * Variable names that hold secrets: a KEY, TOKEN, SECRET, PASSWORD or CREDENTIALS part
     * (FAL_KEY, OPENROUTER_API_KEY, REPLICATE_API_TOKEN, DB_PASSWORD). Not PWD, the working folder.
     */
    private static final Pattern SECRET_NAME = Pattern.compile(
            "(?i)(^|.*_)(KEY|KEYS|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?)(_.*|$)");
    /** Shorter values would mask ordinary words and numbers; real keys are far longer. */
    private static final int MIN_LENGTH = 8;
    public static final String MASK = "****";

    private final List<String> values;

    private Secrets(List<String> values) {
        this.values = List.copyOf(values);
    }

    public static Secrets none() {
        return new Secrets(List.of());
    }

    /** The secrets in {@code env}: variables with secret-like names, plus {@code extraNames}. */
    public static Secrets from(Environment env, Collection<String> extraNames) {
        List<String> found = new ArrayList<>();
        env.asMap().forEach((name, value) -> {
            if (value != null && value.strip().length() >= MIN_LENGTH
                    && (SECRET_NAME.matcher(name).matches() || extraNames.contains(name))) {
                found.add(value.strip());
            }
        });
        // Longer values first, so that a key containing another key is masked whole.
        found.sort(Comparator.comparingInt(String::length).reversed());
        return new Secrets(found);
    }

    /** These secrets and {@code more} values (API keys from a configuration file, say). */
    public Secrets plus(Collection<String> more) {
        List<String> all = new ArrayList<>(values);
        for (String v : more) {
            if (v != null && v.strip().length() >= MIN_LENGTH && !all.contains(v.strip())) {
                all.add(v.strip());
            }
        }
        all.sort(Comparator.comparingInt(String::length).reversed());
        return new Secrets(all);
    }

    public static boolean isSecretName(String name) {
        return SECRET_NAME.matcher(name).matches();
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** {@code text} with every secret value replaced by {@value #MASK}. */
    public String redact(String text) {
        String out = text;
        for (String v : values) {
            if (out.contains(v)) {
                out = out.replace(v, MASK);
            }
        }
        return out;
    }
}
