package dev.acp.content.embed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * BERT's WordPiece tokenizer, configured from a Hugging Face {@code tokenizer.json} (the vocabulary,
 * the unknown token, the {@code ##} continuation prefix, the 100-character word limit and the
 * special tokens), so that the ids are the ones the model was trained on:
 *
 * <ol>
 *   <li>the special tokens ({@code [CLS]}, {@code [SEP]}, {@code [MASK]} ...) are found in the raw text
 *       first, as the reference tokenizer does, and kept as single tokens;
 *   <li>the rest is normalised ({@link BertNormalizer}), split on white space and around every
 *       punctuation character;
 *   <li>each word becomes the longest vocabulary prefix, then the longest {@code ##}-continuation,
 *       and so on; a word that cannot be covered, or that is longer than the limit, is {@code [UNK]};
 *   <li>{@code [CLS]} goes in front and {@code [SEP]} at the end.
 * </ol>
 *
 * <p>Texts longer than {@code maxTokens} (special tokens included) are cut at the end: the words
 * past the limit do not count in the vector, as in sentence-transformers. Immutable and thread-safe.
 */
public final class WordPieceTokenizer {
    private final Map<String, Integer> vocabulary;
    private final Map<String, Integer> specialTokens;
    private final String unknownToken;
    private final String continuationPrefix;
    private final int maxCharsPerWord;
    private final int clsId;
    private final int sepId;
    private final int unknownId;

    private WordPieceTokenizer(Map<String, Integer> vocabulary, Map<String, Integer> specialTokens,
            String unknownToken, String continuationPrefix, int maxCharsPerWord) {
        this.vocabulary = Map.copyOf(vocabulary);
        this.specialTokens = Map.copyOf(specialTokens);
        this.unknownToken = unknownToken;
        this.continuationPrefix = continuationPrefix;
        this.maxCharsPerWord = maxCharsPerWord;
        this.clsId = required("[CLS]");
        this.sepId = required("[SEP]");
        this.unknownId = required(unknownToken);
    }

    private int required(String token) {
        Integer id = vocabulary.get(token);
        if (id == null) {
            throw new IllegalArgumentException("the tokenizer vocabulary has no " + token + " token");
        }
        return id;
    }

    /**
     * Reads a {@code tokenizer.json} whose model is WordPiece.
     *
     * @throws IOException when the stream cannot be read or is not such a file
     */
    public static WordPieceTokenizer load(InputStream tokenizerJson) throws IOException {
        JsonNode root = new ObjectMapper().readTree(tokenizerJson);
        JsonNode model = root.path("model");
        if (!"WordPiece".equals(model.path("type").asText()) || !model.path("vocab").isObject()) {
            throw new IOException("not a WordPiece tokenizer.json (model.type is '" + model.path("type").asText()
                    + "')");
        }
        Map<String, Integer> vocabulary = new HashMap<>(model.path("vocab").size() * 2);
        model.path("vocab").properties().forEach(e -> vocabulary.put(e.getKey(), e.getValue().asInt()));
        Map<String, Integer> specials = new HashMap<>();
        for (JsonNode added : root.path("added_tokens")) {
            if (added.path("special").asBoolean(false)) {
                specials.put(added.path("content").asText(), added.path("id").asInt());
            }
        }
        return new WordPieceTokenizer(vocabulary, specials, model.path("unk_token").asText("[UNK]"),
                model.path("continuing_subword_prefix").asText("##"),
                model.path("max_input_chars_per_word").asInt(100));
    }

    /** How many entries the vocabulary has. */
    public int vocabularySize() {
        return vocabulary.size();
    }

    /**
     * The token ids of {@code text} between {@code [CLS]} and {@code [SEP]}, at most {@code maxTokens}
     * in all.
     */
    public Tokens encode(String text, int maxTokens) {
        Objects.requireNonNull(text, "text");
        if (maxTokens < 3) {
            throw new IllegalArgumentException("maxTokens must leave room for one token between [CLS] and [SEP]: "
                    + maxTokens);
        }
        List<Integer> ids = new ArrayList<>();
        ids.add(clsId);
        int budget = maxTokens - 1;
        boolean truncated = false;
        for (Segment segment : splitOnSpecialTokens(text)) {
            List<Integer> pieces = new ArrayList<>();
            if (segment.specialId() >= 0) {
                pieces.add(segment.specialId());
            } else {
                for (String word : preTokenize(BertNormalizer.normalize(segment.text()))) {
                    wordPiece(word, pieces);
                }
            }
            for (int id : pieces) {
                if (ids.size() >= budget) {
                    truncated = true;
                    break;
                }
                ids.add(id);
            }
            if (truncated) {
                break;
            }
        }
        ids.add(sepId);
        int[] array = new int[ids.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = ids.get(i);
        }
        return new Tokens(array, truncated);
    }

    /**
     * The ids of one text, with {@code [CLS]} and {@code [SEP]}.
     *
     * @param ids the token ids, at most the limit given to {@link #encode}
     * @param truncated whether words past the limit were left out
     */
    public record Tokens(int[] ids, boolean truncated) {
        public Tokens {
            ids = ids.clone();
        }

        @Override
        public int[] ids() {
            return ids.clone();
        }

        /** The number of ids, without copying them. */
        public int length() {
            return ids.length;
        }

        int id(int index) {
            return ids[index];
        }
    }

    private record Segment(String text, int specialId) {}

    /** Special tokens are matched in the raw text, before normalisation, longest first at each place. */
    private List<Segment> splitOnSpecialTokens(String text) {
        List<Segment> segments = new ArrayList<>();
        int start = 0;
        int i = 0;
        while (i < text.length()) {
            String match = null;
            if (text.charAt(i) == '[') {
                for (String special : specialTokens.keySet()) {
                    if (text.startsWith(special, i) && (match == null || special.length() > match.length())) {
                        match = special;
                    }
                }
            }
            if (match == null) {
                i++;
                continue;
            }
            if (i > start) {
                segments.add(new Segment(text.substring(start, i), -1));
            }
            segments.add(new Segment(match, specialTokens.get(match)));
            i += match.length();
            start = i;
        }
        if (start < text.length()) {
            segments.add(new Segment(text.substring(start), -1));
        }
        return segments;
    }

    /** Splits on white space (dropped) and around each punctuation character (kept as a word). */
    static List<String> preTokenize(String normalized) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        normalized.codePoints().forEach(c -> {
            if (BertNormalizer.isWhitespace(c)) {
                flush(word, words);
            } else if (BertNormalizer.isPunctuation(c)) {
                flush(word, words);
                words.add(Character.toString(c));
            } else {
                word.appendCodePoint(c);
            }
        });
        flush(word, words);
        return words;
    }

    private static void flush(StringBuilder word, List<String> words) {
        if (!word.isEmpty()) {
            words.add(word.toString());
            word.setLength(0);
        }
    }

    /** Greedy longest-match-first, as BERT does; the whole word is unknown if any part is. */
    private void wordPiece(String word, List<Integer> out) {
        if (word.codePointCount(0, word.length()) > maxCharsPerWord) {
            out.add(unknownId);
            return;
        }
        int mark = out.size();
        int start = 0;
        while (start < word.length()) {
            int end = word.length();
            Integer found = null;
            while (end > start) {
                String piece = start == 0 ? word.substring(start, end)
                        : continuationPrefix + word.substring(start, end);
                found = vocabulary.get(piece);
                if (found != null) {
                    break;
                }
                end = end - 2 >= start && Character.isLowSurrogate(word.charAt(end - 1))
                        && Character.isHighSurrogate(word.charAt(end - 2)) ? end - 2 : end - 1;
            }
            if (found == null) {
                out.subList(mark, out.size()).clear();
                out.add(unknownId);
                return;
            }
            out.add(found);
            start = end;
        }
    }

    @Override
    public String toString() {
        return "WordPieceTokenizer[" + vocabulary.size() + " pieces, unknown " + unknownToken + "]";
    }
}
