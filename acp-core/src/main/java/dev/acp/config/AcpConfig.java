package dev.acp.config;

import dev.acp.error.UsageException;
import dev.acp.pipeline.Problem;
import dev.acp.pipeline.SourceLocation;
import dev.acp.pipeline.load.Node;
import dev.acp.pipeline.load.NodeReader;
import dev.acp.pipeline.Capability;
import dev.acp.util.Suggestions;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The user's settings in {@code ACP_HOME/config.yaml} (optional): per provider a base URL, an
 * API key (environment variables take precedence), rate limits, a daily spending limit and, for
 * providers that bill in credits, the plan or the price of a credit; and the default time limit
 * of each kind of step.
 *
 * <pre>
 * providers:
 *   fal: { base_url: https://queue.fal.run, max_concurrency: 8, max_jobs: 40, requests_per_second: 10 }
 *   openai: { base_url: http://localhost:11434/v1 }
 *   elevenlabs: { plan: creator }
 * timeouts:
 *   text_to_video: 1800
 * template_variables: [MY_BRAND_KEY]
 * </pre>
 *
 * Errors name the file, line and column, and how to fix the value.
 *
 * @param timeouts default time limits by kind of step, in place of the built-in ones; a step's own
 *     {@code timeout:} and the pipeline's {@code global_config.timeouts} still win
 * @param templateVariables environment variables whose names look like credentials ({@code *_KEY},
 *     {@code *_TOKEN}, ...) that pipelines may still read through {@code {{env.NAME}}} and
 *     {@code ${NAME}}; a provider's own key variables are never allowed
 */
public record AcpConfig(Map<String, ProviderConfig> providers, Map<Capability, Duration> timeouts,
        List<String> templateVariables) {
    public static final String FILE_NAME = "config.yaml";
    static final List<String> ROOT_KEYS = List.of("providers", "timeouts", "template_variables");
    private static final java.util.regex.Pattern VARIABLE = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    static final List<String> PROVIDER_KEYS = List.of("base_url", "api_key", "max_concurrency", "max_jobs",
            "requests_per_second", "daily_limit", "plan", "credit_price", "billed");

    /**
     * One provider's settings; null means "not set here".
     *
     * @param dailyLimit the most ACP may spend at this provider per day (UTC), over all runs and
     *     processes sharing this ACP_HOME, in US dollars
     * @param plan the account's plan at a provider that bills in credits ({@code creator}), which
     *     prices a credit
     * @param creditPrice what one of the provider's credits costs this account, in US dollars;
     *     wins over {@code plan}
     * @param billed whether calls to this server cost money, for servers ACP would otherwise take
     *     to be free (an OpenAI-compatible server on the private network that a gateway bills)
     */
    public record ProviderConfig(
            @Nullable String baseUrl,
            @Nullable String apiKey,
            @Nullable Integer maxConcurrency,
            @Nullable Integer maxJobs,
            @Nullable Double requestsPerSecond,
            @Nullable BigDecimal dailyLimit,
            @Nullable String plan,
            @Nullable BigDecimal creditPrice,
            @Nullable Boolean billed) {
        static final ProviderConfig EMPTY = new ProviderConfig(null, null, null, null, null, null, null, null, null);

        public ProviderConfig(@Nullable String baseUrl, @Nullable String apiKey, @Nullable Integer maxConcurrency,
                @Nullable Integer maxJobs, @Nullable Double requestsPerSecond) {
            this(baseUrl, apiKey, maxConcurrency, maxJobs, requestsPerSecond, null, null, null, null);
        }

        public ProviderConfig(@Nullable String baseUrl, @Nullable String apiKey, @Nullable Integer maxConcurrency,
                @Nullable Integer maxJobs, @Nullable Double requestsPerSecond, @Nullable BigDecimal dailyLimit) {
            this(baseUrl, apiKey, maxConcurrency, maxJobs, requestsPerSecond, dailyLimit, null, null, null);
        }
    }

    public AcpConfig {
        providers = Map.copyOf(providers);
        timeouts = Map.copyOf(timeouts);
        templateVariables = List.copyOf(templateVariables);
    }

    public AcpConfig(Map<String, ProviderConfig> providers, Map<Capability, Duration> timeouts) {
        this(providers, timeouts, List.of());
    }

    public AcpConfig(Map<String, ProviderConfig> providers) {
        this(providers, Map.of());
    }

    /** The daily limits of the providers that have one. */
    public Map<String, BigDecimal> dailyLimits() {
        Map<String, BigDecimal> out = new LinkedHashMap<>();
        providers.forEach((id, p) -> {
            if (p.dailyLimit() != null) {
                out.put(id, p.dailyLimit());
            }
        });
        return out;
    }

    public static AcpConfig empty() {
        return new AcpConfig(Map.of(), Map.of());
    }

    public ProviderConfig provider(String id) {
        return providers.getOrDefault(id, ProviderConfig.EMPTY);
    }

    /** Reads {@code acpHome/config.yaml}; a missing file is an empty configuration. */
    public static AcpConfig load(Path acpHome) {
        Path file = acpHome.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return empty();
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UsageException(file + ": cannot read the configuration: " + e.getMessage());
        }
        return parse(text, file.toString());
    }

    /** Parses configuration text; throws a {@link UsageException} naming line and column on the first problem. */
    public static AcpConfig parse(String text, String label) {
        List<Problem> problems = new ArrayList<>();
        Node root = new NodeReader().read(text, label, NodeReader.Format.YAML, problems);
        if (!problems.isEmpty()) {
            throw new UsageException(problems.get(0).render());
        }
        if (root == null || root instanceof Node.ScalarNode s && s.isNull()) {
            return empty();
        }
        Reader r = new Reader();
        Node.MapNode top = r.map(root, "the configuration", "write 'providers:' followed by provider ids");
        r.checkKeys(top, ROOT_KEYS, "the configuration");
        Map<String, ProviderConfig> out = new LinkedHashMap<>();
        Node ps = top.get("providers");
        if (ps != null && !(ps instanceof Node.ScalarNode s && s.isNull())) {
            Node.MapNode pm = r.map(ps, "providers", "write provider ids under 'providers:'");
            for (Node.Entry e : pm.entries().values()) {
                out.put(e.key(), r.provider(e.key(), e.value()));
            }
        }
        Map<Capability, Duration> timeouts = new LinkedHashMap<>();
        Node ts = top.get("timeouts");
        if (ts != null && !(ts instanceof Node.ScalarNode s && s.isNull())) {
            Node.MapNode tm = r.map(ts, "timeouts", "write 'text_to_video: 1800' lines (seconds)");
            for (Node.Entry e : tm.entries().values()) {
                Capability c = Capability.fromWireName(e.key()).orElseThrow(() -> r.error(e.keyLocation(),
                        "unknown step type '" + e.key() + "' in timeouts", Suggestions.nearest(e.key(),
                                Capability.wireNames()).map(x -> "did you mean '" + x + "'?")
                                .orElse("use a step type such as text_to_video")));
                BigDecimal seconds = r.amount(tm, e.key(), "timeouts", true);
                timeouts.put(c, Duration.ofMillis(seconds.movePointRight(3).longValue()));
            }
        }
        List<String> variables = new ArrayList<>();
        Node vs = top.get("template_variables");
        if (vs != null && !(vs instanceof Node.ScalarNode s && s.isNull())) {
            if (!(vs instanceof Node.ListNode list)) {
                throw r.error(vs.location(), "template_variables must be a list of environment variable names, found "
                        + vs.describe(), "write for example 'template_variables: [MY_BRAND_KEY]'");
            }
            for (Node item : list.items()) {
                if (!(item instanceof Node.ScalarNode s && s.value() instanceof String name
                        && VARIABLE.matcher(name).matches())) {
                    throw r.error(item.location(), "template_variables lists " + item.describe()
                            + ", not an environment variable name", "write names such as MY_BRAND_KEY");
                }
                variables.add(name);
            }
        }
        return new AcpConfig(out, timeouts, variables);
    }

    /** Reads values off the node tree, failing with the value's position. */
    private static final class Reader {
        UsageException error(SourceLocation at, String message, String fix) {
            return new UsageException(Problem.error(at, null, message, fix).render());
        }

        Node.MapNode map(Node n, String what, String fix) {
            if (n instanceof Node.MapNode m) {
                return m;
            }
            throw error(n.location(), what + " must be a map, found " + n.describe(), fix);
        }

        void checkKeys(Node.MapNode map, List<String> known, String where) {
            for (Node.Entry e : map.entries().values()) {
                if (!known.contains(e.key())) {
                    throw error(e.keyLocation(), "unknown key '" + e.key() + "' in " + where, Suggestions
                            .nearest(e.key(), known).map(s -> "did you mean '" + s + "'?")
                            .orElse("known keys: " + String.join(", ", known)));
                }
            }
        }

        ProviderConfig provider(String id, Node v) {
            if (v instanceof Node.ScalarNode s && s.isNull()) {
                return ProviderConfig.EMPTY;
            }
            String where = "providers." + id;
            Node.MapNode m = map(v, where, "write '{ base_url: ..., max_concurrency: 8 }'");
            checkKeys(m, PROVIDER_KEYS, where);
            BigDecimal rps = amount(m, "requests_per_second", where, true);
            BigDecimal daily = amount(m, "daily_limit", where, false);
            BigDecimal credit = amount(m, "credit_price", where, false);
            return new ProviderConfig(text(m, "base_url", where), text(m, "api_key", where),
                    positiveInt(m, "max_concurrency", where), positiveInt(m, "max_jobs", where),
                    rps == null ? null : rps.doubleValue(), daily, text(m, "plan", where), credit, bool(m, "billed", where));
        }

        @Nullable String text(Node.MapNode m, String key, String where) {
            Node n = m.get(key);
            if (n == null || n instanceof Node.ScalarNode s && s.isNull()) {
                return null;
            }
            if (n instanceof Node.ScalarNode s && s.value() instanceof String str && !str.isBlank()) {
                return str.strip();
            }
            throw error(n.location(), where + "." + key + " must be text, found " + n.describe(), "write it as text");
        }

        @Nullable Boolean bool(Node.MapNode m, String key, String where) {
            Node n = m.get(key);
            if (n == null) {
                return null;
            }
            if (n instanceof Node.ScalarNode s && s.value() instanceof Boolean b) {
                return b;
            }
            throw error(n.location(), where + "." + key + " must be true or false, found " + n.describe(),
                    "write '" + key + ": true'");
        }

        @Nullable Integer positiveInt(Node.MapNode m, String key, String where) {
            Node n = m.get(key);
            if (n == null) {
                return null;
            }
            if (n instanceof Node.ScalarNode s && s.value() instanceof Number num && num.doubleValue() >= 1
                    && num.doubleValue() == Math.rint(num.doubleValue()) && num.doubleValue() <= Integer.MAX_VALUE) {
                return num.intValue();
            }
            throw error(n.location(), where + "." + key + " must be a whole number above 0, found " + n.describe(),
                    "write for example '" + key + ": 8'");
        }

        /**
         * A number of 0 or more ({@code positive}: above 0); US dollars or seconds. Strings such
         * as {@code "0.0002"} or {@code "-1"} are refused: a quoted amount is usually a mistake.
         */
        @Nullable BigDecimal amount(Node.MapNode m, String key, String where, boolean positive) {
            Node n = m.get(key);
            if (n == null) {
                return null;
            }
            if (n instanceof Node.ScalarNode s && s.value() instanceof Number num
                    && !(num instanceof Double d && !Double.isFinite(d))) {
                BigDecimal v = new BigDecimal(num.toString());
                if (positive ? v.signum() > 0 : v.signum() >= 0) {
                    return v;
                }
                throw error(n.location(), where + "." + key + " must be " + (positive ? "above 0" : "0 or more")
                        + ", found " + v.toPlainString(), "write a " + (positive ? "positive " : "") + "number");
            }
            throw error(n.location(), where + "." + key + " must be a number, found " + n.describe()
                    + (n instanceof Node.ScalarNode s && s.value() instanceof String str ? " '" + str + "'" : ""),
                    "write a number without quotes, for example '" + key + ": " + example(key) + "'");
        }

        private static String example(String key) {
            return switch (key) {
                case "credit_price" -> "0.00018";
                case "daily_limit" -> "25";
                case "requests_per_second" -> "10";
                default -> "600";
            };
        }
    }
}
