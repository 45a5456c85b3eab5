package dev.acp.provider;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The emotions a {@code text_to_speech} step may ask for with {@code emotion:}, the same for
 * every provider. A closed set, so that a pipeline means the same thing on ElevenLabs, an
 * OpenAI-style server and the offline engines, each of which maps it onto what it can do (voice
 * settings and audio tags, spoken instructions, rate and pitch). Words outside the set are
 * refused at validation with the nearest member as a suggestion; free-form direction belongs in
 * {@code description:}.
 */
public enum Emotion {
    NEUTRAL("neutral", "in a neutral, even tone", List.of("normal", "plain", "default")),
    HAPPY("happy", "happy and cheerful", List.of("cheerful", "joyful", "glad", "joyous", "upbeat")),
    EXCITED("excited", "excited and energetic", List.of("enthusiastic", "thrilled", "energetic", "eager")),
    FRIENDLY("friendly", "warm and friendly", List.of("warm", "kind", "welcoming")),
    CALM("calm", "calm and soothing", List.of("soothing", "relaxed", "serene", "gentle", "peaceful")),
    SAD("sad", "sad and subdued", List.of("melancholic", "sorrowful", "unhappy", "gloomy", "depressed")),
    ANGRY("angry", "angry and forceful", List.of("furious", "mad", "annoyed", "irritated", "rage")),
    FEARFUL("fearful", "fearful and tense", List.of("scared", "afraid", "anxious", "nervous", "frightened")),
    SURPRISED("surprised", "surprised and amazed", List.of("amazed", "astonished", "shocked")),
    SERIOUS("serious", "serious and authoritative", List.of("authoritative", "stern", "grave", "formal")),
    WHISPER("whisper", "in a soft whisper", List.of("whispering", "whispered", "hushed", "quiet"));

    private final String wireName;
    private final String delivery;
    private final List<String> synonyms;

    Emotion(String wireName, String delivery, List<String> synonyms) {
        this.wireName = wireName;
        this.delivery = delivery;
        this.synonyms = synonyms;
    }

    /** The name used in pipeline files. */
    public String wireName() {
        return wireName;
    }

    /** How the emotion sounds, in words a speech model that takes instructions understands. */
    public String delivery() {
        return delivery;
    }

    public static Optional<Emotion> fromWireName(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(e -> e.wireName.equals(n)).findFirst();
    }

    /**
     * The member a word most likely meant: one whose synonym it is ("cheerful" is happy), else the
     * nearest name by spelling ("exited").
     */
    public static Optional<Emotion> suggest(String word) {
        String w = word.strip().toLowerCase(Locale.ROOT);
        for (Emotion e : values()) {
            if (e.synonyms.contains(w)) {
                return Optional.of(e);
            }
        }
        Map<String, Emotion> byName = new LinkedHashMap<>();
        for (Emotion e : values()) {
            byName.put(e.wireName, e);
        }
        return dev.acp.util.Suggestions.nearest(w, byName.keySet()).map(byName::get);
    }

    /** The names of all members, for messages. */
    public static String names() {
        return String.join(", ", Arrays.stream(values()).map(Emotion::wireName).toList());
    }
}
