package dev.acp.env;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Which environment variables a pipeline may read through {@code {{env.NAME}}} and
 * {@code ${NAME}}. Credentials never: a shared pipeline file that put {@code ${OPENROUTER_API_KEY}}
 * into a prompt would send the key to whichever provider the step calls, and into its output.
 *
 * <p>Refused are every provider's credential variables (whatever config.yaml says), variables
 * whose names look like a credential ({@code *_KEY}, {@code *_TOKEN}, {@code *_SECRET},
 * {@code *PASSWORD*}, and the other names {@link Secrets#isSecretName} masks) unless the user
 * lists them under {@code template_variables:} in {@code ACP_HOME/config.yaml}, and any variable
 * whose value holds a provider's key, whatever its name.
 */
public final class TemplateVariables {
    private static final Pattern PASSWORD = Pattern.compile("(?i).*PASS(WORD|WD).*");
    /** Shorter values would match ordinary words; keys are far longer (as in {@link Secrets}). */
    private static final int MIN_SECRET_LENGTH = 8;

    private final Environment environment;
    private final Set<String> credentialVariables;
    private final Set<String> allowed;
    private final List<String> credentialValues;
    private final String configFile;
    private final boolean onlyListed;

    private TemplateVariables(Environment environment, Collection<String> credentialVariables,
            Collection<String> allowed, Collection<String> credentialValues, String configFile, boolean onlyListed) {
        this.onlyListed = onlyListed;
        this.environment = environment;
        this.credentialVariables = Set.copyOf(credentialVariables);
        this.allowed = Set.copyOf(allowed);
        this.credentialValues = credentialValues.stream().filter(v -> v != null && v.strip().length() >= MIN_SECRET_LENGTH)
                .map(String::strip).distinct().toList();
        this.configFile = configFile;
    }

    /**
     * @param credentialVariables the variables providers read their keys from (every factory's
     *     {@code credentialVariables()}), never allowed
     * @param allowed secret-looking names the user allows ({@code template_variables:})
     * @param credentialValues API keys from config.yaml, which no variable may hold either
     * @param configFile the config.yaml to name in the fix
     */
    public static TemplateVariables of(Environment environment, Collection<String> credentialVariables,
            Collection<String> allowed, Collection<String> credentialValues, String configFile) {
        return new TemplateVariables(environment, credentialVariables, allowed, credentialValues, configFile, false);
    }

    /**
     * The same rules, and besides only the variables listed under {@code template_variables:}:
     * for pipelines that someone else wrote (submitted to {@code acp serve}), which must not read
     * the server's environment at will.
     */
    public TemplateVariables onlyListed() {
        return new TemplateVariables(environment, credentialVariables, allowed, credentialValues, configFile, true);
    }

    /** The rules by name alone, with no providers known and nothing allowed. */
    public static TemplateVariables defaults(Environment environment) {
        return of(environment, List.of(), List.of(), List.of(), "ACP_HOME/config.yaml");
    }

    /** Why a template may not read {@code name}. */
    public record Refusal(String message, String fix) {}

    /** Whether a template may read {@code name}. */
    public boolean allows(String name) {
        return refusal(name).isEmpty();
    }

    /** Why {@code name} may not be used in a template, or empty when it may. */
    public Optional<Refusal> refusal(String name) {
        if (credentialVariables.contains(name)) {
            return Optional.of(new Refusal("environment variable " + name + " holds a provider's API key and is never"
                    + " put into a pipeline: a shared pipeline could send it to any provider",
                    "remove the reference; providers read their keys themselves"));
        }
        if (onlyListed && !allowed.contains(name)) {
            return Optional.of(new Refusal("environment variable " + name + " is not listed under template_variables,"
                    + " and pipelines submitted to the server read only listed variables",
                    "remove the reference, or list it with 'template_variables: [" + name + "]' in " + configFile));
        }
        if (!allowed.contains(name) && looksSecret(name)) {
            return Optional.of(new Refusal("environment variable " + name + " looks like a credential (by its name)"
                    + " and is not put into a pipeline: a shared pipeline could send it to any provider",
                    "remove the reference, or, if " + name + " is not a secret, allow it with 'template_variables: ["
                            + name + "]' in " + configFile));
        }
        Optional<String> value = environment.get(name);
        if (value.isPresent()) {
            String v = value.get();
            for (String key : credentialValues) {
                if (v.contains(key)) {
                    return Optional.of(new Refusal("environment variable " + name + " holds a provider's API key"
                            + " and is never put into a pipeline", "remove the reference"));
                }
            }
            for (String credential : credentialVariables) {
                Optional<String> key = environment.get(credential);
                if (key.isPresent() && key.get().strip().length() >= MIN_SECRET_LENGTH && v.contains(key.get().strip())) {
                    return Optional.of(new Refusal("environment variable " + name + " holds the value of " + credential
                            + " and is never put into a pipeline", "remove the reference"));
                }
            }
        }
        return Optional.empty();
    }

    /** Names that look like a credential: {@code *_KEY}, {@code *_TOKEN}, {@code *_SECRET}, {@code *PASSWORD*}, .... */
    public static boolean looksSecret(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        return Secrets.isSecretName(name) || PASSWORD.matcher(name).matches() || upper.endsWith("_KEY")
                || upper.endsWith("_TOKEN") || upper.endsWith("_SECRET");
    }

    /** The allowed secret-looking names, sorted, for messages and {@code acp info}. */
    public Set<String> allowed() {
        return new TreeSet<>(allowed);
    }
}
