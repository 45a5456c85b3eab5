package dev.acp.local.image;

import java.awt.image.BufferedImage;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Local image understanding: measurable facts about an image and a short plain-English report of
 * them. It describes appearance (size, colours, light, detail), never content: it cannot tell a
 * cat from a car, and its report says so.
 */
public final class ImageAnalysis {
    /** The heading of every report, so the text can never pass for a model's answer. */
    public static final String LABEL = "Local analysis (not AI)";

    private static final int COLOURS = 5;

    private ImageAnalysis() {}

    /** Measures {@code image}, which was read from a file of {@code format} and {@code fileBytes} bytes. */
    public static ImageFacts analyse(BufferedImage image, String format, long fileBytes) {
        int w = image.getWidth();
        int h = image.getHeight();
        double ratio = (double) w / h;
        String orientation = ratio > 1.05 ? "landscape" : ratio < 0.95 ? "portrait" : "square";
        return new ImageFacts(
                w, h, format, fileBytes, aspectRatio(w, h), orientation,
                DominantColours.of(image, COLOURS), ImageStatistics.of(image));
    }

    /** {@code w:h} in lowest terms when that is short, else the nearest common ratio within 3%, else a decimal. */
    static String aspectRatio(int w, int h) {
        int gcd = BigInteger.valueOf(w).gcd(BigInteger.valueOf(h)).intValue();
        int rw = w / gcd;
        int rh = h / gcd;
        if (rw <= 32 && rh <= 32) {
            return rw + ":" + rh;
        }
        double ratio = (double) w / h;
        for (AspectRatio common : AspectRatio.SUPPORTED) {
            if (Math.abs(common.value() - ratio) / common.value() < 0.03) {
                return "≈" + common;
            }
        }
        return String.format(Locale.ROOT, "%.2f:1", ratio);
    }

    /**
     * The report: a heading naming the file, the facts line by line, a one-sentence summary, and,
     * when a question was asked, a note that local analysis cannot answer free-form questions.
     */
    public static String report(String fileName, ImageFacts facts, String question) {
        ImageStatistics s = facts.statistics();
        StringBuilder out = new StringBuilder();
        out.append(LABEL).append(" of ").append(fileName).append('\n');
        out.append(String.format(Locale.ROOT, "Size: %d x %d px (%.2f MP), %s, %s; aspect ratio %s, %s.%n",
                facts.width(), facts.height(), facts.width() * (double) facts.height() / 1e6,
                facts.format().toUpperCase(Locale.ROOT), fileSize(facts.fileBytes()), facts.aspectRatio(),
                facts.orientation()));
        out.append("Dominant colours: ").append(colourList(facts.colours())).append(".\n");
        out.append(String.format(Locale.ROOT,
                "Brightness: %.2f (%s); contrast: %.2f (%s); colourfulness: %.0f (%s); sharpness: %.0f (%s).%n",
                s.meanLuma(), brightnessWord(s.meanLuma()), s.contrast(), contrastWord(s.contrast()),
                s.colourfulness(), colourfulnessWord(s.colourfulness()), s.sharpness(), sharpnessWord(s.sharpness())));
        out.append("Summary: ").append(summary(facts)).append('\n');
        if (!question.isBlank()) {
            out.append("Note: local analysis cannot answer free-form questions, so \"")
                    .append(question.strip().replaceAll("\\s+", " "))
                    .append("\" was not answered; the facts above are what it can measure. Use an AI provider"
                            + " for questions about content.\n");
        }
        return out.toString();
    }

    /** One sentence, for example "A bright, highly colourful landscape image dominated by sky blue and white, with crisp detail." */
    public static String summary(ImageFacts facts) {
        ImageStatistics s = facts.statistics();
        List<DominantColours.Share> colours = facts.colours();
        String dominated = colours.isEmpty()
                ? ""
                : colours.size() == 1 || colours.get(1).share() < 0.1
                        ? " dominated by " + colours.getFirst().name()
                        : " dominated by " + colours.get(0).name() + " and " + colours.get(1).name();
        String sentence = brightnessWord(s.meanLuma()) + ", " + colourfulnessWord(s.colourfulness()) + " "
                + facts.orientation() + " image" + dominated + ", with " + detailPhrase(s) + ".";
        String article = "aeiou".indexOf(sentence.charAt(0)) >= 0 ? "An " : "A ";
        return article + sentence;
    }

    private static String colourList(List<DominantColours.Share> colours) {
        if (colours.isEmpty()) {
            return "none measurable";
        }
        return colours.stream()
                .map(c -> String.format(Locale.ROOT, "%s %s (%.0f%%)", c.name(), c.hex(), c.share() * 100))
                .collect(Collectors.joining(", "));
    }

    static String fileSize(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024));
    }

    static String brightnessWord(double luma) {
        return luma < 0.2 ? "very dark" : luma < 0.38 ? "dark" : luma < 0.62 ? "balanced" : luma < 0.8 ? "bright" : "very bright";
    }

    static String contrastWord(double contrast) {
        return contrast < 0.06 ? "flat" : contrast < 0.15 ? "low" : contrast < 0.25 ? "moderate" : "high";
    }

    static String colourfulnessWord(double m) {
        return m < 8 ? "colourless" : m < 15 ? "nearly monochrome" : m < 33 ? "slightly colourful"
                : m < 45 ? "moderately colourful" : m < 59 ? "quite colourful" : m < 82 ? "highly colourful"
                : "extremely colourful";
    }

    static String sharpnessWord(double laplacianVariance) {
        return laplacianVariance < 10 ? "no fine detail" : laplacianVariance < 100 ? "soft"
                : laplacianVariance < 400 ? "moderately sharp" : "crisp";
    }

    private static String detailPhrase(ImageStatistics s) {
        return switch (sharpnessWord(s.sharpness())) {
            case "no fine detail" -> "almost no fine detail";
            case "soft" -> "soft detail";
            case "moderately sharp" -> "moderately sharp detail";
            default -> "crisp detail";
        } + " and " + contrastWord(s.contrast()) + " contrast";
    }
}
