package dev.acp.provider;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * How a {@code text_to_speech} step asks to be spoken, the portable way: {@code emotion} (one
 * of {@link Emotion}), {@code intensity} (0 to 1, how strongly) and {@code description} (free
 * text such as "a tired narrator at the end of a long day"). Each provider maps what it can and
 * reports the rest in the step's metadata ({@code emotion_applied}, {@code emotion_note}).
 *
 * <p>Read with the same rules at validation (by the planner, for every provider, where
 * {@code {{...}}} references are not resolved yet and pass) and when the step runs (by the
 * provider, where a problem fails the step before anything is paid for).
 *
 * @param emotion the emotion, or null for none
 * @param intensity the intensity as written, or null when not set (see {@link #level()})
 * @param description free-text direction, or null
 */
public record SpeechDirection(@Nullable Emotion emotion, @Nullable Double intensity, @Nullable String description) {

    /** The intensity of an emotion whose step sets none: clearly audible, not overdone. */
    public static final double DEFAULT_INTENSITY = 0.5;

    /** The config keys this record reads. */
    public static final Set<String> PARAMETERS = Set.of("emotion", "intensity", "description");

    public static final SpeechDirection NONE = new SpeechDirection(null, null, null);

    public SpeechDirection {
        if (intensity != null && !(intensity >= 0 && intensity <= 1)) {
            throw new IllegalArgumentException("intensity must be within 0..1, was " + intensity);
        }
        if (description != null && description.isBlank()) {
            description = null;
        }
    }

    /** The direction and the problems found reading it. */
    public record Parsed(SpeechDirection direction, List<Provider.Issue> issues) {
        public Parsed {
            issues = List.copyOf(issues);
        }

        public boolean hasErrors() {
            return issues.stream().anyMatch(i -> !i.isWarning());
        }
    }

    /** How strongly to apply the emotion: the step's intensity, else {@link #DEFAULT_INTENSITY}. */
    public double level() {
        return intensity == null ? DEFAULT_INTENSITY : intensity;
    }

    /** True when the step asks for no particular delivery. */
    public boolean isEmpty() {
        return emotion == null && description == null;
    }

    /** The keys of the parts the step set, in a fixed order, for reports. */
    public List<String> parts() {
        List<String> out = new ArrayList<>();
        if (emotion != null) {
            out.add("emotion");
        }
        if (intensity != null) {
            out.add("intensity");
        }
        if (description != null) {
            out.add("description");
        }
        return out;
    }

    /**
     * Reads a step's config.
     *
     * @param validation true before the run: values holding {@code {{...}}} are accepted unread
     */
    public static Parsed read(Map<String, Object> config, boolean validation) {
        List<Provider.Issue> issues = new ArrayList<>();
        Emotion emotion = null;
        Object e = config.get("emotion");
        if (e != null && !deferred(e, validation)) {
            String word = e instanceof String s ? s.strip() : e.toString();
            if (!word.isEmpty()) {
                emotion = Emotion.fromWireName(word).orElse(null);
                if (emotion == null) {
                    String fix = Emotion.suggest(word).map(x -> "did you mean '" + x.wireName() + "'? ").orElse("")
                            + "use one of " + Emotion.names() + ", and put other direction in config.description";
                    issues.add(new Provider.Issue("emotion", "unknown emotion '" + word + "'", fix));
                }
            }
        }
        Double intensity = null;
        Object i = config.get("intensity");
        if (i != null && !deferred(i, validation)) {
            Double d = i instanceof Number n ? Double.valueOf(n.doubleValue()) : parse(i.toString());
            if (d == null || !(d >= 0 && d <= 1)) {
                issues.add(new Provider.Issue("intensity", "config.intensity must be a number from 0 to 1, found '"
                        + i + "'", "write for example 'intensity: 0.7' (0 barely, 1 as strongly as possible)"));
            } else {
                intensity = d;
            }
        }
        String description = null;
        Object d = config.get("description");
        if (d != null && !deferred(d, validation) && !d.toString().isBlank()) {
            description = d.toString().strip();
        }
        if (intensity != null && e == null) {
            issues.add(Provider.Issue.warning("intensity", "config.intensity has no effect without config.emotion",
                    "add an emotion (" + Emotion.names() + ") or remove intensity"));
        }
        return new Parsed(new SpeechDirection(emotion, intensity, description), issues);
    }

    private static boolean deferred(Object value, boolean validation) {
        return validation && value instanceof String s && s.contains("{{");
    }

    private static @Nullable Double parse(String s) {
        try {
            return Double.parseDouble(s.strip());
        } catch (NumberFormatException ex) {
            return null;
        }
    }
}
