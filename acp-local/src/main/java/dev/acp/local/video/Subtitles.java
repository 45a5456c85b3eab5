package dev.acp.local.video;

import dev.acp.local.text.StoryLanguage;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * SubRip ({@code .srt}) subtitles for narrated scenes. Each narration becomes one or more cues
 * inside the time its audio plays: split at sentences, long sentences again at clause marks or
 * spaces so that a cue fits two lines of about {@value #LINE_CHARS} characters, and timed in
 * proportion to their length. The first cue starts exactly when the narration starts and the last
 * ends exactly when it ends.
 */
public final class Subtitles {
    /** Characters per subtitle line, the common broadcast guideline. */
    public static final int LINE_CHARS = 42;
    private static final int CUE_CHARS = 2 * LINE_CHARS;

    /** One subtitle: text (at most two lines) shown from {@code start} to {@code end} seconds. */
    public record Cue(double start, double end, String text) {
        public Cue {
            Objects.requireNonNull(text, "text");
            if (!(end > start) || start < 0) {
                throw new IllegalArgumentException("a cue must end after it starts: " + start + " to " + end);
            }
        }
    }

    /** Narration text spoken from {@code start} to {@code end} seconds. */
    public record Spoken(String text, double start, double end) {}

    private Subtitles() {}

    /** The cues of all narrations, in time order. */
    public static List<Cue> cues(List<Spoken> narrations) {
        List<Cue> out = new ArrayList<>();
        for (Spoken s : narrations) {
            String text = s.text().strip().replaceAll("\\s+", " ");
            if (text.isEmpty() || !(s.end() > s.start())) {
                continue;
            }
            List<String> pieces = pieces(text);
            long total = pieces.stream().mapToLong(Subtitles::length).sum();
            double span = s.end() - s.start();
            long done = 0;
            for (int i = 0; i < pieces.size(); i++) {
                double start = s.start() + span * done / total;
                done += length(pieces.get(i));
                double end = i == pieces.size() - 1 ? s.end() : s.start() + span * done / total;
                if (end - start < 0.001) {
                    continue;
                }
                out.add(new Cue(start, end, wrap(pieces.get(i))));
            }
        }
        return out;
    }

    /** The cues as an SRT document (UTF-8 text, blank line between cues). */
    public static String srt(List<Cue> cues) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < cues.size(); i++) {
            Cue c = cues.get(i);
            out.append(i + 1).append('\n')
                    .append(timestamp(c.start())).append(" --> ").append(timestamp(c.end())).append('\n')
                    .append(c.text()).append("\n\n");
        }
        return out.toString();
    }

    /** {@code HH:MM:SS,mmm}, rounded to the millisecond. */
    static String timestamp(double seconds) {
        long ms = Math.round(seconds * 1000);
        return String.format(Locale.ROOT, "%02d:%02d:%02d,%03d", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    }

    private static long length(String s) {
        return Math.max(1, s.codePointCount(0, s.length()));
    }

    /** Sentences, and pieces of long sentences, each short enough for one cue. */
    static List<String> pieces(String text) {
        Locale locale = StoryLanguage.detect(text);
        BreakIterator sentences = BreakIterator.getSentenceInstance(locale);
        sentences.setText(text);
        List<String> out = new ArrayList<>();
        int start = sentences.first();
        for (int end = sentences.next(); end != BreakIterator.DONE; start = end, end = sentences.next()) {
            String sentence = text.substring(start, end).strip();
            while (length(sentence) > CUE_CHARS) {
                int cut = cut(sentence, CUE_CHARS);
                out.add(sentence.substring(0, cut).strip());
                sentence = sentence.substring(cut).strip();
            }
            if (!sentence.isEmpty()) {
                out.add(sentence);
            }
        }
        return out;
    }

    /** Where to cut text longer than {@code limit}: after a clause mark, else at a space, else at the limit. */
    private static int cut(String s, int limit) {
        int max = s.offsetByCodePoints(0, limit);
        for (String marks : new String[] {";:", ",、，", " "}) {
            for (int i = max - 1; i > max / 3; i--) {
                if (marks.indexOf(s.charAt(i)) >= 0) {
                    return i + 1;
                }
            }
        }
        return max;
    }

    /** Breaks a cue longer than one line at the space nearest its middle. */
    static String wrap(String text) {
        if (length(text) <= LINE_CHARS || text.indexOf(' ') < 0) {
            return text;
        }
        int middle = text.length() / 2;
        int best = -1;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == ' ' && (best < 0 || Math.abs(i - middle) < Math.abs(best - middle))) {
                best = i;
            }
        }
        return text.substring(0, best) + "\n" + text.substring(best + 1);
    }
}
