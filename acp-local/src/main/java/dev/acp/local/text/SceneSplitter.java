package dev.acp.local.text;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Splits a story into scenes by rules, deterministically: the same text and options always give
 * the same scenes.
 *
 * <p>The story is cut into paragraphs (blank lines) and those into sentences with {@link
 * BreakIterator} for the story's language (see {@link StoryLanguage}), so Japanese and Chinese
 * (no spaces) and Arabic split correctly. Scenes are runs of whole sentences whose lengths are as
 * even as possible: a dynamic programme minimises the squared difference of each scene's word
 * count from the average, plus a penalty for cutting inside a paragraph, so scenes end at
 * paragraph ends where that costs little balance. A sentence is only ever cut when it alone is
 * longer than {@link #MAX_SENTENCE_WORDS} words (at a clause mark, else between words).
 *
 * <p>Limits: at most {@link #MAX_WORDS} words and {@link #MAX_CHARS} characters; longer stories are
 * refused after reading at most that much, so time and memory stay bounded.
 */
public final class SceneSplitter {
    /** The longest story accepted, in words. */
    public static final int MAX_WORDS = 100_000;
    /** The longest story accepted, in characters (for scripts without spaces, and for padding). */
    public static final int MAX_CHARS = 1_000_000;
    /** The most scenes a story can be split into. */
    public static final int MAX_SCENES = 50;
    /** The shortest scene, in seconds: a title card needs time to be read. */
    public static final double MIN_DURATION_SECONDS = 2;
    /** Words per scene aimed at when no scene count is given (about 16 seconds at 150 words a minute). */
    static final int TARGET_WORDS_PER_SCENE = 40;
    /** A sentence longer than this is cut into pieces. */
    static final int MAX_SENTENCE_WORDS = 80;
    /** Units the partition works on at most; longer stories merge neighbouring sentences first. */
    private static final int MAX_UNITS = 1_000;
    private static final Pattern PARAGRAPH_BREAK = Pattern.compile("\\R\\s*\\R");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    /** Sentence ends the JDK's rules miss: Arabic and Urdu question marks and full stop, the Devanagari danda. */
    private static final Pattern EXTRA_SENTENCE_END = Pattern.compile("(?<=[؟۔।])\\s+");
    private static final Pattern ORDINAL_END = Pattern.compile("(?:^|\\s)\\d{1,2}\\.\\s*$");
    /** Languages writing ordinals as "3." ("am 3. Mai"), where a number with a dot does not end a sentence. */
    private static final List<String> ORDINAL_DOT_LANGUAGES =
            List.of("de", "da", "nb", "no", "fi", "cs", "sk", "pl", "hu", "sl", "hr", "tr", "et", "lv", "is");

    /**
     * What to split into.
     *
     * @param scenes the number of scenes wanted (1..{@link #MAX_SCENES}), or empty for one scene per
     *     about {@link #TARGET_WORDS_PER_SCENE} words
     * @param style a style name (known ones bring curated prompt words) or free text; empty for none
     * @param wordsPerMinute the narration's speaking rate, for durations
     * @param language the story's language, or empty to detect it
     */
    public record Options(Optional<Integer> scenes, String style, double wordsPerMinute, Optional<Locale> language) {
        public Options {
            Objects.requireNonNull(scenes, "scenes");
            Objects.requireNonNull(style, "style");
            Objects.requireNonNull(language, "language");
            scenes.ifPresent(n -> {
                if (n < 1 || n > MAX_SCENES) {
                    throw new IllegalArgumentException("scenes must be between 1 and " + MAX_SCENES + ", was " + n);
                }
            });
            if (!(wordsPerMinute > 0)) {
                throw new IllegalArgumentException("words per minute must be positive, was " + wordsPerMinute);
            }
        }
    }

    /**
     * The scenes and what was learnt on the way.
     *
     * @param note why fewer scenes than asked were made, or empty
     */
    public record Result(List<StoryScene> scenes, Locale language, int words, int sentences, Optional<String> note) {
        public Result {
            scenes = List.copyOf(scenes);
        }
    }

    /** A story the splitter refuses: blank or beyond the limits. The message is one line with the fix. */
    public static final class StoryRejectedException extends Exception {
        private static final long serialVersionUID = 1L;

        StoryRejectedException(String message) {
            super(message);
        }
    }

    private record Sentence(String text, int words, boolean startsParagraph) {}

    private SceneSplitter() {}

    /** Splits {@code story}. */
    public static Result split(String story, Options options) throws StoryRejectedException {
        Objects.requireNonNull(story, "story");
        checkStory(story);
        Locale locale = options.language().orElseGet(() -> StoryLanguage.detect(story));
        List<Sentence> sentences = sentences(story, locale);
        if (sentences.isEmpty()) {
            throw new StoryRejectedException("the story has no words; write the story (or script) to split into scenes");
        }
        int words = sentences.stream().mapToInt(Sentence::words).sum();
        if (words < 2) {
            // One word is a title or a typo, not a story: a one-scene film of it helps nobody.
            throw new StoryRejectedException("the story is a single word ('" + story.strip()
                    + "'); write at least a sentence to split into scenes");
        }
        int wanted = options.scenes().orElseGet(() ->
                (int) Math.max(1, Math.min(MAX_SCENES, Math.round((double) words / TARGET_WORDS_PER_SCENE))));
        List<List<Sentence>> units = units(sentences);
        int count = Math.min(wanted, units.size());
        Optional<String> note = count < wanted
                ? Optional.of("asked for " + wanted + " scenes, but the story has only " + units.size()
                        + " sentence" + (units.size() == 1 ? "" : "s") + "; scenes never split a sentence")
                : Optional.empty();
        List<List<List<Sentence>>> groups = partition(units, count);
        String stylePhrase = ScenePrompts.stylePhrase(options.style());
        List<StoryScene> scenes = new ArrayList<>(groups.size());
        for (List<List<Sentence>> group : groups) {
            List<String> texts = new ArrayList<>();
            int sceneWords = 0;
            for (List<Sentence> unit : group) {
                for (Sentence s : unit) {
                    texts.add(s.text());
                    sceneWords += s.words();
                }
            }
            String narration = join(texts);
            double seconds = Math.max(MIN_DURATION_SECONDS,
                    Math.round(sceneWords * 60.0 / options.wordsPerMinute() * 10) / 10.0);
            scenes.add(new StoryScene(
                    ScenePrompts.title(texts.getFirst(), locale),
                    ScenePrompts.description(texts, locale),
                    ScenePrompts.imagePrompt(texts, locale, stylePhrase),
                    narration,
                    seconds));
        }
        return new Result(scenes, locale, words, sentences.size(), note);
    }

    /**
     * Refuses blank and oversized stories, reading no further than the limits: a 200,000-word
     * story is rejected after its first 100,000 words.
     */
    public static void checkStory(String story) throws StoryRejectedException {
        if (story.isBlank()) {
            throw new StoryRejectedException("the story is empty; set config.story to the text to split into scenes");
        }
        if (story.length() > MAX_CHARS) {
            throw new StoryRejectedException("the story has more than " + MAX_CHARS + " characters, above the limit of "
                    + MAX_WORDS + " words or " + MAX_CHARS + " characters; split it into parts and run one step per part");
        }
        long words = 0;
        boolean inWord = false;
        int spaceless = 0;
        for (int i = 0; i < story.length(); ) {
            int cp = story.codePointAt(i);
            i += Character.charCount(cp);
            if (StoryLanguage.isSpacelessLetter(cp)) {
                spaceless++;
                inWord = false;
            } else if (Character.isLetterOrDigit(cp)) {
                if (!inWord) {
                    words++;
                    inWord = true;
                }
            } else {
                inWord = false;
            }
            if (words + spaceless / 2 > MAX_WORDS) {
                throw new StoryRejectedException("the story has more than " + MAX_WORDS + " words, the limit for one"
                        + " story_to_scenes step; split it into parts (chapters) and run one step per part");
            }
        }
    }

    /** Words of a piece of text: runs of letters or digits, with Han and kana characters counted as half a word each. */
    static int words(String text) {
        int words = 0;
        int spaceless = 0;
        boolean inWord = false;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (StoryLanguage.isSpacelessLetter(cp)) {
                spaceless++;
                inWord = false;
            } else if (Character.isLetterOrDigit(cp)) {
                if (!inWord) {
                    words++;
                    inWord = true;
                }
            } else if (Character.getType(cp) != Character.NON_SPACING_MARK) {
                inWord = false;
            }
        }
        return words + (spaceless + 1) / 2;
    }

    private static List<Sentence> sentences(String story, Locale locale) {
        List<Sentence> out = new ArrayList<>();
        BreakIterator breaks = BreakIterator.getSentenceInstance(locale);
        boolean ordinalDots = ORDINAL_DOT_LANGUAGES.contains(locale.getLanguage());
        for (String paragraph : PARAGRAPH_BREAK.split(story)) {
            String text = paragraph.strip();
            if (text.isEmpty()) {
                continue;
            }
            List<String> pieces = new ArrayList<>();
            breaks.setText(text);
            int start = breaks.first();
            for (int end = breaks.next(); end != BreakIterator.DONE; start = end, end = breaks.next()) {
                String sentence = text.substring(start, end);
                for (String part : EXTRA_SENTENCE_END.split(sentence)) {
                    String clean = WHITESPACE.matcher(part).replaceAll(" ").strip();
                    if (clean.isEmpty()) {
                        continue;
                    }
                    if (ordinalDots && !pieces.isEmpty() && ORDINAL_END.matcher(pieces.getLast()).find()) {
                        pieces.set(pieces.size() - 1, pieces.getLast() + " " + clean);
                    } else {
                        pieces.add(clean);
                    }
                }
            }
            boolean first = true;
            for (String piece : pieces) {
                for (String part : cutEnormous(piece, locale)) {
                    int w = words(part);
                    if (w == 0 && !out.isEmpty() && !first) {
                        // Punctuation alone ("…", "—") belongs to the sentence before it.
                        Sentence last = out.removeLast();
                        out.add(new Sentence(join(List.of(last.text(), part)), last.words(), last.startsParagraph()));
                        continue;
                    }
                    if (w == 0) {
                        continue;
                    }
                    out.add(new Sentence(part, w, first));
                    first = false;
                }
            }
        }
        return out;
    }

    /** A sentence longer than {@link #MAX_SENTENCE_WORDS} words, cut at clause marks, else between words. */
    private static List<String> cutEnormous(String sentence, Locale locale) {
        if (words(sentence) <= MAX_SENTENCE_WORDS) {
            return List.of(sentence);
        }
        List<String> out = new ArrayList<>();
        BreakIterator wordBreaks = BreakIterator.getWordInstance(locale);
        wordBreaks.setText(sentence);
        int pieceStart = 0;
        int lastClause = -1;
        int pieceWords = 0;
        int start = wordBreaks.first();
        for (int end = wordBreaks.next(); end != BreakIterator.DONE; start = end, end = wordBreaks.next()) {
            String token = sentence.substring(start, end);
            pieceWords += words(token);
            if (token.matches("[,;:、，；：]")) {
                lastClause = end;
            }
            if (pieceWords >= MAX_SENTENCE_WORDS) {
                int cut = lastClause > pieceStart ? lastClause : end;
                out.add(sentence.substring(pieceStart, cut).strip());
                pieceStart = cut;
                lastClause = -1;
                pieceWords = words(sentence.substring(cut, end));
            }
        }
        if (pieceStart < sentence.length() && !sentence.substring(pieceStart).isBlank()) {
            out.add(sentence.substring(pieceStart).strip());
        }
        return out;
    }

    /**
     * Groups sentences into at most {@link #MAX_UNITS} units for the partition: first merging
     * neighbours inside a paragraph, then across paragraphs if still too many.
     */
    private static List<List<Sentence>> units(List<Sentence> sentences) {
        List<List<Sentence>> units = new ArrayList<>();
        for (Sentence s : sentences) {
            units.add(List.of(s));
        }
        if (units.size() <= MAX_UNITS) {
            return units;
        }
        units = merge(units, true);
        return units.size() <= MAX_UNITS ? units : merge(units, false);
    }

    private static List<List<Sentence>> merge(List<List<Sentence>> units, boolean keepParagraphs) {
        long total = units.stream().mapToLong(SceneSplitter::weight).sum();
        double unitWeight = (double) total / MAX_UNITS * 1.5;
        List<List<Sentence>> out = new ArrayList<>();
        List<Sentence> current = new ArrayList<>();
        int currentWeight = 0;
        for (List<Sentence> unit : units) {
            boolean boundary = unit.getFirst().startsParagraph();
            if (!current.isEmpty() && (currentWeight >= unitWeight || (keepParagraphs && boundary))) {
                out.add(List.copyOf(current));
                current.clear();
                currentWeight = 0;
            }
            current.addAll(unit);
            currentWeight += weight(unit);
        }
        if (!current.isEmpty()) {
            out.add(List.copyOf(current));
        }
        return out;
    }

    private static int weight(List<Sentence> unit) {
        int w = 0;
        for (Sentence s : unit) {
            w += s.words();
        }
        return w;
    }

    /**
     * Cuts {@code units} into exactly {@code count} non-empty runs minimising the sum of squared
     * deviations of the runs' word counts from the mean, plus a penalty for every cut inside a
     * paragraph. Runs are searched up to three times the mean (a single unit is always allowed),
     * which keeps the work near {@code 3 × units²}; if that window allows no partition the search
     * is repeated without it.
     */
    static List<List<List<Sentence>>> partition(List<List<Sentence>> units, int count) {
        int n = units.size();
        long[] prefix = new long[n + 1];
        for (int i = 0; i < n; i++) {
            prefix[i + 1] = prefix[i] + weight(units.get(i));
        }
        double mean = (double) prefix[n] / count;
        double penalty = Math.pow(0.25 * mean, 2);
        int[][] cut = solve(units, count, prefix, mean, penalty, 3 * mean);
        if (cut == null) {
            cut = solve(units, count, prefix, mean, penalty, Double.MAX_VALUE);
        }
        List<List<List<Sentence>>> groups = new ArrayList<>(count);
        int end = n;
        for (int k = count; k >= 1; k--) {
            int start = Objects.requireNonNull(cut)[k][end];
            groups.addFirst(units.subList(start, end));
            end = start;
        }
        return groups;
    }

    /** cut[k][j] = start of the k-th run when the first k runs cover units [0, j); null when infeasible. */
    private static int[] @org.jspecify.annotations.Nullable [] solve(
            List<List<Sentence>> units, int count, long[] prefix, double mean, double penalty, double window) {
        int n = units.size();
        double[] previous = new double[n + 1];
        java.util.Arrays.fill(previous, Double.POSITIVE_INFINITY);
        previous[0] = 0;
        int[][] cut = new int[count + 1][n + 1];
        for (int k = 1; k <= count; k++) {
            double[] current = new double[n + 1];
            java.util.Arrays.fill(current, Double.POSITIVE_INFINITY);
            // The k-th run ends at j; at least one unit per run before and after.
            for (int j = k; j <= n - (count - k); j++) {
                for (int i = j - 1; i >= k - 1; i--) {
                    long w = prefix[j] - prefix[i];
                    if (w > window && i < j - 1) {
                        break;
                    }
                    if (previous[i] == Double.POSITIVE_INFINITY) {
                        continue;
                    }
                    double deviation = w - mean;
                    double cost = previous[i] + deviation * deviation;
                    if (i > 0 && !units.get(i).getFirst().startsParagraph()) {
                        cost += penalty;
                    }
                    if (cost < current[j]) {
                        current[j] = cost;
                        cut[k][j] = i;
                    }
                }
            }
            previous = current;
        }
        return previous[n] == Double.POSITIVE_INFINITY ? null : cut;
    }

    /** Sentences joined with a space, except between characters of scripts written without spaces. */
    static String join(List<String> sentences) {
        StringBuilder out = new StringBuilder();
        for (String s : sentences) {
            if (!out.isEmpty() && !s.isEmpty()) {
                int last = out.codePointBefore(out.length());
                int next = s.codePointAt(0);
                boolean tight = (StoryLanguage.isSpacelessLetter(last) || isCjkPunctuation(last))
                        && (StoryLanguage.isSpacelessLetter(next) || isCjkPunctuation(next));
                if (!tight) {
                    out.append(' ');
                }
            }
            out.append(s);
        }
        return out.toString();
    }

    private static boolean isCjkPunctuation(int cp) {
        return (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFF00 && cp <= 0xFFEF);
    }
}
