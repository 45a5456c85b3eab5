package dev.acp.template;

import dev.acp.env.Environment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ${NAME}} and {@code ${NAME:-default}} substitution from the environment, applied to the
 * string values of a pipeline when it is loaded (the seeds' config loader promised it).
 * <code>$${</code> stands for a literal <code>${</code>.
 */
public final class EnvSubstitution {
    private static final Pattern VAR = Pattern.compile("\\$\\$\\{|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}|\\$\\{[^}]*}?");

    private EnvSubstitution() {}

    /**
     * The outcome: the substituted text, the names that were referenced but not set, malformed
     * references, and names left unsubstituted because they may not be read (credentials).
     */
    public record Result(String text, List<String> missing, List<String> malformed, List<String> refused) {
        public Result(String text, List<String> missing, List<String> malformed) {
            this(text, missing, malformed, List.of());
        }
    }

    public static boolean hasVariables(String text) {
        return text.contains("${");
    }

    public static Result apply(String text, Environment env) {
        return apply(text, env, name -> true);
    }

    /**
     * Substitutes the variables {@code allowed} accepts; the others stay as written and are
     * listed in {@link Result#refused}, their values never read.
     */
    public static Result apply(String text, Environment env, Predicate<String> allowed) {
        if (!hasVariables(text)) {
            return new Result(text, List.of(), List.of());
        }
        List<String> missing = new ArrayList<>();
        List<String> malformed = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        Matcher m = VAR.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String whole = m.group();
            String replacement;
            if (whole.equals("$${")) {
                replacement = "${";
            } else if (m.group(1) != null) {
                String name = m.group(1);
                String def = m.group(2);
                if (!allowed.test(name)) {
                    refused.add(name);
                    replacement = whole;
                } else {
                    replacement = env.get(name).orElse(def);
                }
                if (replacement == null) {
                    missing.add(name);
                    replacement = whole;
                }
            } else {
                malformed.add(whole);
                replacement = whole;
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(sb);
        return new Result(sb.toString(), missing, malformed, refused);
    }
}
