package dev.acp.local.text;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Titles, descriptions and image prompts of scenes, by rules.
 *
 * <p>Image prompts of English scenes are built from their salient phrases: runs of words between
 * stop words and punctuation ("old lighthouse keeper", "storm"), scored by how often their words
 * occur in the scene, whether they are names (capitalised inside a sentence), and how early they
 * appear; the best four are kept in reading order. Other languages have no stop-word list here, so
 * their prompts start from the scene's first sentence. Either way the style's phrase follows.
 */
public final class ScenePrompts {
    /** Phrases kept in an English image prompt. */
    static final int PROMPT_PHRASES = 4;
    private static final int TITLE_WORDS = 6;
    private static final int TITLE_CHARS_SPACELESS = 14;
    private static final int DESCRIPTION_WORDS = 50;
    private static final int PROMPT_SENTENCE_WORDS = 40;
    private static final int PROMPT_SENTENCE_CHARS_SPACELESS = 80;

    private static final Pattern TOKEN = Pattern.compile("\\p{L}[\\p{L}\\p{M}'’-]*|\\p{N}+|[^\\p{L}\\p{N}\\s]");
    private static final Pattern CLAUSE = Pattern.compile("[,;:—–()\"“”]|\\s-\\s|、|，|；|：");
    private static final Pattern TRAILING = Pattern.compile("[\\s\\p{P}&&[^)\\]]]+$");
    private static final Pattern LEADING = Pattern.compile("^[\\s\\p{P}&&[^(\\[]]+");

    private static final Set<String> STOP_WORDS = Set.of(
            "a", "about", "above", "after", "again", "against", "all", "almost", "also", "although", "always", "am",
            "among", "an", "and", "another", "any", "are", "around", "as", "at", "away", "back", "be", "became",
            "because", "been", "before", "began", "being", "below", "between", "both", "but", "by", "came", "can",
            "could", "did", "do", "does", "doing", "down", "during", "each", "even", "ever", "every", "few", "for",
            "from", "further", "gave", "get", "got", "had", "has", "have", "having", "he", "her", "here", "hers",
            "herself", "him", "himself", "his", "how", "however", "i", "if", "in", "into", "is", "it", "its",
            "itself", "just", "knew", "know", "last", "least", "less", "let", "like", "made", "make", "many", "may",
            "me", "might", "more", "most", "much", "must", "my", "myself", "never", "new", "next", "no", "nor",
            "not", "nothing", "now", "of", "off", "often", "on", "once", "one", "only", "or", "other", "our", "ours",
            "out", "over", "own", "perhaps", "quite", "rather", "really", "said", "same", "saw", "say", "see",
            "seemed", "shall", "she", "should", "since", "so", "some", "something", "soon", "still", "such", "than",
            "that", "the", "their", "theirs", "them", "themselves", "then", "there", "these", "they", "thing",
            "things", "this", "those", "though", "through", "till", "to", "told", "too", "took", "toward", "towards",
            "under", "until", "up", "upon", "us", "very", "was", "we", "well", "went", "were", "what", "when",
            "where", "whether", "which", "while", "who", "whom", "whose", "why", "will", "with", "within",
            "without", "would", "yet", "you", "your", "yours", "yourself", "day", "days", "time", "times", "way",
            "felt", "looked", "come", "go", "going", "take", "put", "tell", "think", "thought", "want", "wanted",
            "asked", "turned", "left", "right", "first", "two", "three", "lot", "ago", "oh", "yes", "s", "t");

    /** Common irregular verbs and prepositions that the rules below would otherwise keep. */
    private static final Set<String> VERBS = Set.of(
            "across", "along", "behind", "beside", "beyond", "inside", "outside", "near", "onto", "past", "beneath",
            "throughout", "met", "ran", "swept", "climbed", "smiled", "rang", "saw", "heard", "found", "took", "gave", "stood", "sat", "fell", "held",
            "kept", "began", "brought", "swam", "flew", "drew", "grew", "threw", "spoke", "woke", "wrote", "rode",
            "drove", "broke", "chose", "caught", "taught", "fought", "bought", "sought", "built", "sent", "spent",
            "lost", "led", "fed", "hid", "bit", "lit", "sang", "sank", "shook", "struck", "swung", "dug", "wore",
            "tore", "bore", "lay", "laid", "paid", "meant", "dreamt", "learnt", "slept", "wept", "crept", "leapt",
            "knelt", "dealt", "stole", "froze", "rose", "arose", "shone", "won", "became", "become", "becomes",
            "says", "goes", "gets", "makes", "takes", "sees", "knows", "finds", "gives", "tells", "looks", "seems",
            "away", "again", "once", "twice", "suddenly", "slowly", "quickly", "finally", "every", "each");
    private static final Set<String> NOUNS_IN_LY = Set.of("butterfly", "dragonfly", "jelly", "belly", "lily", "holly",
            "rally", "valley", "alley", "family", "assembly", "supply", "reply", "ally", "italy", "july", "firefly");
    private static final Set<String> ADJECTIVES_IN_ED = Set.of("wicked", "sacred", "hundred", "naked", "rugged",
            "ragged", "crooked", "beloved", "learned", "aged", "winged", "horned", "bearded", "hooded", "armoured",
            "armored", "snowcapped", "cursed", "haunted", "abandoned", "enchanted", "twisted", "ruined", "forgotten",
            "tattered", "weathered", "frozen");

    private static final Map<String, String> STYLES = styles();

    private ScenePrompts() {}

    private static Map<String, String> styles() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("cinematic", "cinematic film still, dramatic lighting, shallow depth of field, anamorphic lens, colour graded");
        m.put("cartoon", "cartoon illustration, bold clean outlines, flat vibrant colours, playful shapes");
        m.put("realistic", "photorealistic photograph, natural light, true-to-life colours, highly detailed");
        m.put("photorealistic", "photorealistic photograph, natural light, ultra-detailed, 50mm lens");
        m.put("anime", "anime key visual, cel shading, clean line art, vivid colours, detailed background");
        m.put("watercolor", "watercolour painting, soft washes, bleeding edges, visible paper texture, gentle palette");
        m.put("oil painting", "oil painting on canvas, visible brushstrokes, rich pigments, warm light");
        m.put("pixel art", "16-bit pixel art, limited palette, crisp pixels");
        m.put("3d render", "3D render, global illumination, soft shadows, physically based materials");
        m.put("sketch", "pencil sketch, expressive linework, hand-drawn texture, monochrome");
        m.put("comic", "comic book panel, inked outlines, halftone shading, bold colours");
        m.put("storybook", "children's storybook illustration, soft colours, whimsical details");
        m.put("fantasy", "epic fantasy illustration, magical atmosphere, ethereal glow, intricate detail");
        m.put("noir", "black-and-white film noir still, deep shadows, high contrast, moody atmosphere");
        m.put("minimalist", "minimalist illustration, clean negative space, simple geometric forms, limited palette");
        m.put("documentary", "documentary photograph, candid, natural light, authentic detail");
        m.put("vintage", "vintage photograph, faded colours, film grain, soft vignette");
        return Map.copyOf(m);
    }

    /** The styles with their own phrases, in no particular order. */
    public static Set<String> knownStyles() {
        return STYLES.keySet();
    }

    /**
     * The phrase a style adds to image prompts: a known style's curated words, else the free text
     * itself as "&lt;text&gt; style"; empty for no style.
     */
    public static String stylePhrase(String style) {
        String key = normaliseStyle(style);
        if (key.isEmpty()) {
            return "";
        }
        String known = STYLES.get(key);
        return known != null ? known : style.strip() + " style";
    }

    /** True when {@code style} has curated words (spelling variants such as "watercolour" included). */
    public static boolean isKnownStyle(String style) {
        return STYLES.containsKey(normaliseStyle(style));
    }

    private static String normaliseStyle(String style) {
        String s = style.strip().toLowerCase(Locale.ROOT).replace('_', ' ').replace('-', ' ').replaceAll("\\s+", " ");
        return switch (s) {
            case "watercolour" -> "watercolor";
            case "3d", "3d rendering", "render" -> "3d render";
            case "photo", "photographic", "realism" -> "realistic";
            case "film", "movie" -> "cinematic";
            case "comic book" -> "comic";
            case "cartoonish", "animated" -> "cartoon";
            default -> s;
        };
    }

    /** A title from the leading phrase of {@code firstSentence}: up to the first clause mark, at most six words. */
    static String title(String firstSentence, Locale locale) {
        String s = firstSentence.strip();
        Matcher clause = CLAUSE.matcher(s);
        while (clause.find()) {
            String head = s.substring(0, clause.start()).strip();
            if (wordCount(head) >= 2 || (StoryLanguage.spaceless(locale) && head.codePointCount(0, head.length()) >= 4)) {
                s = head;
                break;
            }
        }
        if (StoryLanguage.spaceless(locale)) {
            if (s.codePointCount(0, s.length()) > TITLE_CHARS_SPACELESS) {
                s = s.substring(0, s.offsetByCodePoints(0, TITLE_CHARS_SPACELESS));
            }
        } else {
            String[] words = s.split("\\s+");
            if (words.length > TITLE_WORDS) {
                s = String.join(" ", java.util.Arrays.copyOf(words, TITLE_WORDS));
            }
        }
        s = LEADING.matcher(TRAILING.matcher(s).replaceAll("")).replaceAll("");
        if (s.isEmpty()) {
            s = firstSentence.strip();
        }
        return s.isEmpty() ? s : s.substring(0, s.offsetByCodePoints(0, 1)).toUpperCase(locale) + s.substring(s.offsetByCodePoints(0, 1));
    }

    /** The scene's first two sentences, cut at fifty words. */
    static String description(List<String> sentences, Locale locale) {
        String joined = SceneSplitter.join(sentences.subList(0, Math.min(2, sentences.size())));
        if (StoryLanguage.spaceless(locale)) {
            return joined;
        }
        String[] words = joined.split("\\s+");
        if (words.length <= DESCRIPTION_WORDS) {
            return joined;
        }
        return String.join(" ", java.util.Arrays.copyOf(words, DESCRIPTION_WORDS)) + "…";
    }

    /** The image prompt of a scene: salient phrases (English) or the first sentence, then the style's phrase. */
    static String imagePrompt(List<String> sentences, Locale locale, String stylePhrase) {
        String subject = locale.getLanguage().equals("en") ? salientPhrases(sentences) : "";
        if (subject.isEmpty()) {
            subject = firstSentenceForPrompt(sentences.getFirst(), locale);
        }
        return stylePhrase.isEmpty() ? subject : subject + ", " + stylePhrase;
    }

    private static String firstSentenceForPrompt(String sentence, Locale locale) {
        String s = sentence.strip();
        if (StoryLanguage.spaceless(locale)) {
            if (s.codePointCount(0, s.length()) > PROMPT_SENTENCE_CHARS_SPACELESS) {
                s = s.substring(0, s.offsetByCodePoints(0, PROMPT_SENTENCE_CHARS_SPACELESS));
            }
        } else {
            String[] words = s.split("\\s+");
            if (words.length > PROMPT_SENTENCE_WORDS) {
                s = String.join(" ", java.util.Arrays.copyOf(words, PROMPT_SENTENCE_WORDS));
            }
        }
        return TRAILING.matcher(s).replaceAll("");
    }

    private record Phrase(List<String> words, int position, boolean name) {}

    /** The best phrases of an English scene joined by commas, or empty when it has none. */
    static String salientPhrases(List<String> sentences) {
        List<Phrase> phrases = new ArrayList<>();
        Map<String, Integer> frequency = new HashMap<>();
        Map<String, String> nameForms = new HashMap<>();
        int position = 0;
        for (String sentence : sentences) {
            List<String> run = new ArrayList<>();
            boolean runIsName = false;
            boolean sentenceStart = true;
            Matcher m = TOKEN.matcher(sentence);
            while (m.find()) {
                String token = m.group();
                boolean word = Character.isLetter(token.codePointAt(0));
                String lower = token.toLowerCase(Locale.ROOT).replace('’', '\'');
                if (lower.endsWith("'s")) {
                    lower = lower.substring(0, lower.length() - 2);
                }
                boolean name = word && !sentenceStart && Character.isUpperCase(token.codePointAt(0));
                boolean stop = !word || lower.length() < 3 || (!name && isFunctionWord(lower));
                // A phrase ends at a stop word, at three words, and where names meet common words.
                if (!run.isEmpty() && (stop || run.size() == 3 || name != runIsName)) {
                    phrases.add(new Phrase(List.copyOf(run), position - run.size(), runIsName));
                    run.clear();
                }
                if (!stop) {
                    frequency.merge(lower, 1, Integer::sum);
                    if (name) {
                        nameForms.putIfAbsent(lower, token.substring(0, lower.length()));
                    }
                    run.add(lower);
                    runIsName = name;
                }
                if (word) {
                    sentenceStart = false;
                }
                position++;
            }
            if (!run.isEmpty()) {
                phrases.add(new Phrase(List.copyOf(run), position - run.size(), runIsName));
            }
        }
        // A name at the start of a sentence is spelt as it is elsewhere in the scene.
        phrases.replaceAll(p -> new Phrase(
                p.words().stream().map(w -> nameForms.getOrDefault(w, w)).toList(),
                p.position(),
                p.name() || p.words().stream().anyMatch(nameForms::containsKey)));
        if (phrases.isEmpty()) {
            return "";
        }
        int total = Math.max(1, position);
        record Scored(Phrase phrase, double score) {}
        List<Scored> scored = new ArrayList<>();
        Map<String, Boolean> seen = new HashMap<>();
        for (Phrase p : phrases) {
            String key = String.join(" ", p.words()).toLowerCase(Locale.ROOT);
            if (seen.putIfAbsent(key, true) != null) {
                continue;
            }
            double score = 0;
            for (String w : p.words()) {
                score += frequency.getOrDefault(w.toLowerCase(Locale.ROOT), 1);
            }
            // Multi-word phrases name things more precisely ("stone bridge" over "bridge").
            score += 0.5 * (p.words().size() - 1);
            if (p.name()) {
                score += 1.5;
            }
            // Earlier phrases set the scene; the bonus fades over the scene's length.
            score += 1.0 - (double) p.position() / total;
            scored.add(new Scored(p, score));
        }
        List<Scored> ranked = scored.stream()
                .sorted((a, b) -> {
                    int c = Double.compare(b.score(), a.score());
                    return c != 0 ? c : Integer.compare(a.phrase().position(), b.phrase().position());
                })
                .toList();
        List<Scored> best = new ArrayList<>();
        for (Scored candidate : ranked) {
            // "Mara" adds nothing once "Captain Mara" is in.
            boolean covered = best.stream().anyMatch(b -> b.phrase().words().containsAll(candidate.phrase().words()));
            if (!covered) {
                best.add(candidate);
            }
            if (best.size() == PROMPT_PHRASES) {
                break;
            }
        }
        best.sort((a, b) -> Integer.compare(a.phrase().position(), b.phrase().position()));
        return String.join(", ", best.stream().map(s -> String.join(" ", s.phrase().words())).toList());
    }

    /**
     * Stop words, adverbs in -ly and regular past-tense verbs (-ed, but not -eed or short words such
     * as "red"): without a tagger these are the words that most often separate the nouns of a
     * sentence.
     */
    private static boolean isFunctionWord(String lower) {
        if (STOP_WORDS.contains(lower) || VERBS.contains(lower)) {
            return true;
        }
        if (lower.length() >= 5 && lower.endsWith("ly") && !lower.endsWith("ily") && !NOUNS_IN_LY.contains(lower)) {
            return true;
        }
        return lower.length() >= 6 && lower.endsWith("ed") && !lower.endsWith("eed") && !ADJECTIVES_IN_ED.contains(lower);
    }

    private static int wordCount(String s) {
        String t = s.strip();
        return t.isEmpty() ? 0 : t.split("\\s+").length;
    }
}
