package dev.acp.local.image;

import dev.acp.local.fonts.BundledFonts;
import dev.acp.local.support.StableHash;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.LinearGradientPaint;
import java.awt.MultipleGradientPaint;
import java.awt.RadialGradientPaint;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Point2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * Draws a preview image for a prompt: a stand-in for a generated image that is useful for
 * checking a pipeline's flow, framing and captions offline, and that can never be mistaken for
 * AI output.
 *
 * <p>Every choice (palette, scheme, horizon, shapes) is drawn from a {@link SplittableRandom}
 * seeded with a hash of prompt and seed, so the same prompt, seed and size give the same pixels
 * (and, written as PNG, the same bytes), while different prompts give visibly different pictures.
 * Words in the prompt steer the scene: "sunset" warms the palette and adds a sun, "mountains",
 * "ocean", "city", "forest" and "space" add matching silhouettes; anything else gets an abstract
 * composition. A badge reads {@value #LABEL}, and the prompt is written in a readable panel
 * under it. Both sit at the top, centred, inside the part of the picture that every camera move
 * of a slideshow keeps in view ({@link #SAFE_X}, {@link #SAFE_Y}: a 125% zoom and a 120% pan
 * that ends at an edge), and clear of subtitles burned at the bottom of a film. Text uses only
 * the bundled Liberation Sans.
 *
 * <p>Thread-safe: no state besides the shared fonts.
 */
public final class PreviewRenderer {
    /**
     * The share of the width on each side, and of the height at top and bottom, that a camera
     * move may crop: a pan at 120% ends with one sixth of the width out of view, a zoom to 125%
     * loses a tenth at top and bottom.
     */
    static final float SAFE_X = 1f / 6 + 0.01f;
    static final float SAFE_Y = 0.11f;

    /** The badge on every preview. */
    public static final String LABEL = "PREVIEW · local renderer · not AI-generated";

    /** Name and version recorded in metadata. */
    public static final String NAME = "acp-preview-renderer/1";

    private final BundledFonts fonts;

    public PreviewRenderer(BundledFonts fonts) {
        this.fonts = Objects.requireNonNull(fonts, "fonts");
    }

    /** The preview for {@code prompt} and {@code seed} at {@code size}, with the prompt written on it. */
    public BufferedImage render(String prompt, long seed, ImageSize size) {
        return render(prompt, seed, size, true);
    }

    /**
     * The preview for {@code prompt} and {@code seed} at {@code size}, with the badge.
     *
     * @param caption whether to write the prompt on the picture
     */
    public BufferedImage render(String prompt, long seed, ImageSize size, boolean caption) {
        return render(prompt, seed, size, caption, true);
    }

    /**
     * The preview for {@code prompt} and {@code seed} at {@code size}.
     *
     * @param caption whether to write the prompt on the picture
     * @param badge whether to draw the preview badge; only callers that label the result in
     *     another way (the videos burn in their own fixed label) leave it out
     */
    public BufferedImage render(String prompt, long seed, ImageSize size, boolean caption, boolean badge) {
        int w = size.width();
        int h = size.height();
        SplittableRandom random = new SplittableRandom(StableHash.of("preview", prompt.strip(), seed));
        Set<Motif> motifs = Motif.detect(prompt);
        Palette palette = Palette.choose(prompt, random);
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            new Scene(g, w, h, random, palette, motifs).draw();
            int top = Math.round(h * SAFE_Y);
            if (badge) {
                top = drawBadge(g, w, h) + Math.max(2, Math.round(Math.min(w, h) * 0.015f));
            }
            if (caption) {
                drawCaption(g, w, h, top, prompt);
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    /** The prompt in a panel, centred under {@code top}, inside the safe part of the picture. */
    private void drawCaption(Graphics2D g, int w, int h, int top, String prompt) {
        String text = prompt.strip().replaceAll("\\s+", " ");
        if (text.isEmpty()) {
            return;
        }
        int shortSide = Math.min(w, h);
        float size = Math.max(8, Math.min(64, shortSide * 0.045f));
        Font font = fonts.regular(size);
        FontMetrics metrics = g.getFontMetrics(font);
        int pad = Math.max(3, Math.round(size * 0.6f));
        int maxWidth = Math.round(w * (1 - 2 * SAFE_X)) - 2 * pad;
        int lineHeight = metrics.getHeight();
        // Down to the middle of the picture at most: the lower half is the subject's and the subtitles'.
        int maxLines = (int) Math.floor((h * 0.5 - top - 2 * pad) / lineHeight);
        if (maxWidth < metrics.charWidth('M') * 4 || maxLines < 1) {
            return; // too small for legible text; the badge still says what this is
        }
        List<String> lines = wrap(text, metrics, maxWidth, maxLines);
        int textWidth = lines.stream().mapToInt(metrics::stringWidth).max().orElse(0);
        int panelW = textWidth + 2 * pad;
        int panelH = lines.size() * lineHeight + 2 * pad;
        int x = (w - panelW) / 2;
        g.setColor(new Color(0, 0, 0, 165));
        float arc = Math.min(panelH, size * 1.2f);
        g.fill(new RoundRectangle2D.Float(x, top, panelW, panelH, arc, arc));
        g.setFont(font);
        g.setColor(new Color(250, 250, 250));
        int baseline = top + pad + metrics.getAscent();
        for (String line : lines) {
            g.drawString(line, x + (panelW - metrics.stringWidth(line)) / 2, baseline);
            baseline += lineHeight;
        }
    }

    /** The badge, centred at the top of the safe part of the picture; returns its bottom edge. */
    private int drawBadge(Graphics2D g, int w, int h) {
        int shortSide = Math.min(w, h);
        int safeWidth = Math.round(w * (1 - 2 * SAFE_X));
        int y = Math.round(h * SAFE_Y);
        float size = Math.max(7, Math.min(36, shortSide * 0.035f));
        String text = LABEL;
        Font font = fonts.regular(size);
        FontMetrics metrics = g.getFontMetrics(font);
        // Shrink until the whole label fits; on tiny images fall back to the first word.
        while (metrics.stringWidth(text) + size > safeWidth && size > 4) {
            size -= 0.5f;
            font = fonts.regular(size);
            metrics = g.getFontMetrics(font);
        }
        if (metrics.stringWidth(text) + size > safeWidth) {
            text = "PREVIEW";
        }
        int padX = Math.round(size * 0.5f);
        int padY = Math.round(size * 0.3f);
        int bw = metrics.stringWidth(text) + 2 * padX;
        int bh = metrics.getAscent() + metrics.getDescent() + 2 * padY;
        int x = (w - bw) / 2;
        g.setColor(new Color(0, 0, 0, 190));
        g.fill(new RoundRectangle2D.Float(x, y, bw, bh, bh, bh));
        g.setColor(new Color(255, 214, 10));
        g.setStroke(new BasicStroke(Math.max(1, size / 12)));
        g.draw(new RoundRectangle2D.Float(x, y, bw, bh, bh, bh));
        g.setFont(font);
        g.setColor(Color.WHITE);
        g.drawString(text, x + padX, y + padY + metrics.getAscent());
        return y + bh;
    }

    /** Greedy word wrap; the last line ends with an ellipsis when text is left over. */
    static List<String> wrap(String text, FontMetrics metrics, int maxWidth, int maxLines) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        String[] words = text.split(" ");
        int i = 0;
        while (i < words.length && lines.size() < maxLines) {
            String word = words[i];
            String candidate = line.isEmpty() ? word : line + " " + word;
            if (metrics.stringWidth(candidate) <= maxWidth) {
                line.setLength(0);
                line.append(candidate);
                i++;
            } else if (line.isEmpty()) {
                // A single word wider than the line: break it by characters.
                int cut = word.length();
                while (cut > 1 && metrics.stringWidth(word.substring(0, cut)) > maxWidth) {
                    cut--;
                }
                lines.add(word.substring(0, cut));
                words[i] = word.substring(cut);
            } else {
                lines.add(line.toString());
                line.setLength(0);
            }
        }
        if (!line.isEmpty() && lines.size() < maxLines) {
            lines.add(line.toString());
        }
        if (i < words.length && !lines.isEmpty()) {
            String last = lines.removeLast();
            while (!last.isEmpty() && metrics.stringWidth(last + "…") > maxWidth) {
                last = last.substring(0, last.length() - 1);
            }
            lines.add(last.strip() + "…");
        }
        return lines;
    }

    /** Scene elements suggested by words of the prompt. */
    enum Motif {
        STARS("night", "space", "galaxy", "star", "cosmic", "nebula", "universe", "astronaut", "planet"),
        SKY_BODY("sun", "sunset", "sunrise", "moon", "dawn", "dusk", "eclipse"),
        MOUNTAINS("mountain", "landscape", "hill", "peak", "valley", "alps", "cliff", "volcano", "summit"),
        CITY("city", "town", "street", "building", "skyline", "urban", "skyscraper", "cyberpunk", "village"),
        FOREST("forest", "tree", "jungle", "wood", "park", "garden", "pine"),
        WATER("ocean", "sea", "lake", "river", "water", "beach", "wave", "reflection", "coast", "harbor", "flowing");

        private final List<String> keywords;

        Motif(String... keywords) {
            this.keywords = List.of(keywords);
        }

        static Set<Motif> detect(String prompt) {
            Set<Motif> found = EnumSet.noneOf(Motif.class);
            for (String word : words(prompt)) {
                for (Motif motif : values()) {
                    if (motif.keywords.stream().anyMatch(word::startsWith)) {
                        found.add(motif);
                    }
                }
            }
            return found;
        }
    }

    static List<String> words(String text) {
        return List.of(text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+"));
    }

    /** Colours of one preview. */
    record Palette(Color skyTop, Color skyBottom, Color accent, Color far, Color near, boolean night) {
        private record Hint(double hue, double saturation, boolean night, List<String> words) {}

        private static final List<Hint> HINTS = List.of(
                new Hint(0.68, 0.55, true, List.of("night", "midnight", "space", "galaxy", "cosmic", "nebula", "moon", "star")),
                new Hint(0.07, 0.80, false, List.of("sunset", "sunrise", "dusk", "dawn", "golden", "autumn", "amber")),
                new Hint(0.02, 0.85, false, List.of("fire", "flame", "lava", "volcano", "red", "blood")),
                new Hint(0.56, 0.60, false, List.of("ocean", "sea", "beach", "water", "lake", "river", "wave", "ice",
                        "winter", "snow", "frozen", "rain", "blue", "sky")),
                new Hint(0.31, 0.60, false, List.of("forest", "jungle", "tree", "grass", "meadow", "garden", "spring",
                        "leaf", "moss", "green")),
                new Hint(0.10, 0.55, false, List.of("desert", "sand", "dune", "canyon")),
                new Hint(0.93, 0.50, false, List.of("rose", "pink", "love", "blossom", "cherry", "flower")),
                new Hint(0.78, 0.55, false, List.of("purple", "violet", "lavender", "magic", "dream", "fantasy")),
                new Hint(0.62, 0.65, false, List.of("city", "urban", "street", "neon", "cyberpunk")),
                new Hint(0.12, 0.75, false, List.of("gold", "yellow", "sun", "orange")));

        static Palette choose(String prompt, SplittableRandom random) {
            List<String> words = words(prompt);
            Hint hint = null;
            for (Hint candidate : HINTS) {
                if (words.stream().anyMatch(w -> candidate.words().stream().anyMatch(w::startsWith))) {
                    hint = candidate;
                    break;
                }
            }
            double hue = hint != null ? hint.hue() + (random.nextDouble() - 0.5) * 0.06 : random.nextDouble();
            double sat = hint != null ? hint.saturation() : 0.45 + random.nextDouble() * 0.35;
            boolean night = hint != null && hint.night();
            double accentHue = switch (random.nextInt(3)) {
                case 0 -> hue - 0.10; // analogous
                case 1 -> hue + 0.5; // complementary
                default -> hue + 0.33; // triadic
            };
            double secondHue = hue + (random.nextDouble() - 0.5) * 0.16;
            return new Palette(
                    hsb(hue, sat * 0.85, night ? 0.12 : 0.42 + random.nextDouble() * 0.18),
                    hsb(secondHue, sat * 0.6, night ? 0.32 : 0.86 + random.nextDouble() * 0.1),
                    hsb(accentHue, Math.min(1, sat + 0.2), 0.97),
                    hsb(hue, sat * 0.45, night ? 0.24 : 0.6),
                    hsb(secondHue, sat * 0.7, night ? 0.08 : 0.2),
                    night);
        }

        private static Color hsb(double hue, double saturation, double brightness) {
            float h = (float) (hue - Math.floor(hue));
            return Color.getHSBColor(h, (float) Math.min(1, Math.max(0, saturation)), (float) Math.min(1, Math.max(0, brightness)));
        }
    }

    /** Draws the background and motifs of one preview. */
    private static final class Scene {
        private final Graphics2D g;
        private final int w;
        private final int h;
        private final SplittableRandom random;
        private final Palette palette;
        private final Set<Motif> motifs;
        private final float unit;

        Scene(Graphics2D g, int w, int h, SplittableRandom random, Palette palette, Set<Motif> motifs) {
            this.g = g;
            this.w = w;
            this.h = h;
            this.random = random;
            this.palette = palette;
            this.motifs = motifs;
            this.unit = Math.min(w, h) / 100f;
        }

        void draw() {
            if (motifs.isEmpty()) {
                abstractComposition();
            } else {
                landscape();
            }
            vignette();
        }

        private void landscape() {
            float horizon = h * (0.55f + (float) random.nextDouble() * 0.13f);
            g.setPaint(new LinearGradientPaint(0, 0, 0, horizon, new float[] {0, 1},
                    new Color[] {palette.skyTop(), palette.skyBottom()}));
            g.fillRect(0, 0, w, Math.round(horizon) + 1);
            g.setPaint(new LinearGradientPaint(0, horizon, 0, h, new float[] {0, 1},
                    new Color[] {palette.far(), palette.near()}));
            g.fillRect(0, Math.round(horizon), w, h - Math.round(horizon));
            if (motifs.contains(Motif.STARS) || palette.night()) {
                stars(horizon);
            }
            Point2D.@Nullable Float body = null;
            if (motifs.contains(Motif.SKY_BODY) || random.nextInt(3) == 0) {
                body = skyBody(horizon);
            }
            boolean bareGround = EnumSet.of(Motif.SKY_BODY, Motif.STARS).containsAll(motifs);
            if (motifs.contains(Motif.MOUNTAINS) || bareGround) {
                mountains(horizon);
            }
            if (motifs.contains(Motif.CITY)) {
                city(horizon);
            }
            if (motifs.contains(Motif.FOREST)) {
                forest(horizon);
            }
            if (motifs.contains(Motif.WATER)) {
                water(horizon, body);
            }
        }

        private void stars(float horizon) {
            if (motifs.contains(Motif.STARS)) {
                int clouds = 2 + random.nextInt(3);
                for (int i = 0; i < clouds; i++) {
                    float r = unit * (20 + (float) random.nextDouble() * 30);
                    float x = (float) random.nextDouble() * w;
                    float y = (float) random.nextDouble() * horizon;
                    Color tone = i % 2 == 0 ? palette.accent() : new Color(150, 80, 200);
                    g.setPaint(new RadialGradientPaint(new Point2D.Float(x, y), r, new float[] {0, 1},
                            new Color[] {withAlpha(tone, 110), withAlpha(tone, 0)}));
                    g.fill(new Ellipse2D.Float(x - r, y - r, 2 * r, 2 * r));
                }
            }
            int count = (int) Math.min(700, (long) w * h / 2200);
            for (int i = 0; i < count; i++) {
                float x = (float) random.nextDouble() * w;
                float y = (float) random.nextDouble() * horizon;
                float r = unit * (0.12f + (float) random.nextDouble() * 0.3f);
                g.setColor(new Color(255, 255, 255, 90 + random.nextInt(166)));
                g.fill(new Ellipse2D.Float(x - r, y - r, 2 * r, 2 * r));
            }
        }

        private Point2D.Float skyBody(float horizon) {
            float r = unit * (6 + (float) random.nextDouble() * 6);
            float x = w * (0.2f + (float) random.nextDouble() * 0.6f);
            float y = Math.max(r * 1.5f, horizon * (0.3f + (float) random.nextDouble() * 0.45f));
            // Suns stay warm whatever the scheme: a green sun reads as an error, not a style.
            Color core = palette.night()
                    ? new Color(240, 240, 225)
                    : Color.getHSBColor(0.07f + (float) random.nextDouble() * 0.07f, 0.75f, 1f);
            Color glow = new Color(core.getRed(), core.getGreen(), core.getBlue(), 120);
            Color none = new Color(core.getRed(), core.getGreen(), core.getBlue(), 0);
            g.setPaint(new RadialGradientPaint(new Point2D.Float(x, y), r * 4, new float[] {0, 1}, new Color[] {glow, none}));
            g.fill(new Ellipse2D.Float(x - r * 4, y - r * 4, r * 8, r * 8));
            g.setColor(core);
            g.fill(new Ellipse2D.Float(x - r, y - r, 2 * r, 2 * r));
            return new Point2D.Float(x, y);
        }

        private void mountains(float horizon) {
            for (int layer = 0; layer < 3; layer++) {
                float t = layer / 2f;
                Color colour = mix(palette.far(), palette.near(), t * 0.85f);
                float base = horizon + layer * h * 0.05f;
                float amplitude = h * (0.22f - layer * 0.05f);
                g.setColor(colour);
                g.fill(ridge(base, amplitude));
            }
        }

        private Path2D ridge(float base, float amplitude) {
            int segments = 64;
            float[] heights = new float[segments + 1];
            heights[0] = (float) random.nextDouble();
            heights[segments] = (float) random.nextDouble();
            displace(heights, 0, segments, 0.9f);
            Path2D.Float path = new Path2D.Float();
            path.moveTo(0, h);
            for (int i = 0; i <= segments; i++) {
                path.lineTo(w * i / (float) segments, base - amplitude * Math.max(0, Math.min(1, heights[i])));
            }
            path.lineTo(w, h);
            path.closePath();
            return path;
        }

        private void displace(float[] heights, int lo, int hi, float roughness) {
            if (hi - lo < 2) {
                return;
            }
            int mid = (lo + hi) / 2;
            heights[mid] = (heights[lo] + heights[hi]) / 2 + ((float) random.nextDouble() - 0.5f) * roughness;
            displace(heights, lo, mid, roughness * 0.55f);
            displace(heights, mid, hi, roughness * 0.55f);
        }

        private void city(float horizon) {
            float x = -unit * 2;
            Color body = mix(palette.near(), palette.far(), 0.25f);
            Color lit = palette.night() ? new Color(255, 220, 130) : palette.accent();
            while (x < w) {
                float bw = w * (0.03f + (float) random.nextDouble() * 0.06f);
                float bh = h * (0.1f + (float) random.nextDouble() * 0.3f);
                g.setColor(body);
                g.fill(new java.awt.geom.Rectangle2D.Float(x, horizon - bh, bw, h - horizon + bh));
                float win = Math.max(1, bw / 7);
                for (float wy = horizon - bh + win; wy < horizon - win; wy += win * 2) {
                    for (float wx = x + win; wx < x + bw - win; wx += win * 2) {
                        if (random.nextInt(100) < 35) {
                            g.setColor(new Color(lit.getRed(), lit.getGreen(), lit.getBlue(), 200));
                            g.fill(new java.awt.geom.Rectangle2D.Float(wx, wy, win, win));
                        }
                    }
                }
                x += bw + unit * (float) random.nextDouble();
            }
        }

        private void forest(float horizon) {
            for (int row = 0; row < 2; row++) {
                Color colour = mix(new Color(30, 80, 45), palette.near(), 0.35f + row * 0.3f);
                float baseY = horizon + row * h * 0.07f + h * 0.02f;
                float x = -unit * 3;
                while (x < w + unit * 3) {
                    float th = h * (0.12f + (float) random.nextDouble() * 0.12f) * (1 + row * 0.3f);
                    float tw = th * 0.45f;
                    Path2D.Float tree = new Path2D.Float();
                    tree.moveTo(x, baseY);
                    tree.lineTo(x + tw / 2, baseY - th);
                    tree.lineTo(x + tw, baseY);
                    tree.closePath();
                    g.setColor(colour);
                    g.fill(tree);
                    x += tw * (0.45f + (float) random.nextDouble() * 0.4f);
                }
            }
        }

        private void water(float horizon, Point2D.@Nullable Float body) {
            float top = horizon + h * (motifs.contains(Motif.MOUNTAINS) ? 0.1f : 0.02f);
            g.setPaint(new LinearGradientPaint(0, top, 0, h, new float[] {0, 1},
                    new Color[] {mix(palette.skyBottom(), palette.skyTop(), 0.3f), palette.skyTop().darker()}));
            g.fillRect(0, Math.round(top), w, h - Math.round(top));
            g.setStroke(new BasicStroke(Math.max(1, unit * 0.35f), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            int waves = 14 + random.nextInt(10);
            for (int i = 0; i < waves; i++) {
                float y = top + (h - top) * (i + (float) random.nextDouble()) / waves;
                float len = w * (0.05f + (float) random.nextDouble() * 0.2f);
                float x = (float) random.nextDouble() * (w - len);
                g.setColor(new Color(255, 255, 255, 40 + random.nextInt(60)));
                g.draw(new java.awt.geom.Line2D.Float(x, y, x + len, y));
            }
            if (body != null) {
                Color shine = palette.night() ? new Color(240, 240, 225) : new Color(255, 190, 110);
                for (float y = top + unit; y < h; y += unit * 1.6f) {
                    float half = unit * (2 + (float) random.nextDouble() * 5) * (1 + (y - top) / (h - top));
                    g.setColor(new Color(shine.getRed(), shine.getGreen(), shine.getBlue(), 110));
                    g.draw(new java.awt.geom.Line2D.Float(body.x - half, y, body.x + half, y));
                }
            }
        }

        private void abstractComposition() {
            double angle = random.nextDouble() * Math.PI * 2;
            float cx = w / 2f;
            float cy = h / 2f;
            float reach = (float) Math.hypot(w, h) / 2;
            g.setPaint(new LinearGradientPaint(
                    cx - (float) Math.cos(angle) * reach, cy - (float) Math.sin(angle) * reach,
                    cx + (float) Math.cos(angle) * reach, cy + (float) Math.sin(angle) * reach,
                    new float[] {0, 0.55f, 1},
                    new Color[] {palette.skyTop(), palette.skyBottom(), palette.far()},
                    MultipleGradientPaint.CycleMethod.NO_CYCLE));
            g.fillRect(0, 0, w, h);
            Color[] tones = {palette.accent(), palette.skyBottom(), palette.near(), Color.WHITE};
            int bands = 2 + random.nextInt(3);
            for (int i = 0; i < bands; i++) {
                Path2D.Float band = new Path2D.Float();
                float y0 = (float) random.nextDouble() * h;
                float y1 = (float) random.nextDouble() * h;
                float thickness = h * (0.05f + (float) random.nextDouble() * 0.12f);
                band.moveTo(-10, y0);
                band.curveTo(w * 0.33f, y0 + ((float) random.nextDouble() - 0.5f) * h, w * 0.66f,
                        y1 + ((float) random.nextDouble() - 0.5f) * h, w + 10, y1);
                band.lineTo(w + 10, y1 + thickness);
                band.curveTo(w * 0.66f, y1 + thickness, w * 0.33f, y0 + thickness, -10, y0 + thickness);
                band.closePath();
                g.setColor(withAlpha(tones[random.nextInt(tones.length)], 60 + random.nextInt(60)));
                g.fill(band);
            }
            int circles = 10 + random.nextInt(14);
            for (int i = 0; i < circles; i++) {
                float r = unit * (3 + (float) random.nextDouble() * 18);
                float x = (float) random.nextDouble() * w;
                float y = (float) random.nextDouble() * h;
                g.setColor(withAlpha(tones[random.nextInt(tones.length)], 40 + random.nextInt(110)));
                g.fill(new Ellipse2D.Float(x - r, y - r, 2 * r, 2 * r));
            }
            int shapes = 2 + random.nextInt(4);
            for (int i = 0; i < shapes; i++) {
                float sw = unit * (10 + (float) random.nextDouble() * 30);
                float sh = unit * (6 + (float) random.nextDouble() * 20);
                AffineTransform saved = g.getTransform();
                g.rotate(random.nextDouble() * Math.PI, random.nextDouble() * w, random.nextDouble() * h);
                g.setColor(withAlpha(tones[random.nextInt(tones.length)], 70 + random.nextInt(90)));
                g.fill(new RoundRectangle2D.Float(
                        (float) random.nextDouble() * w - sw / 2, (float) random.nextDouble() * h - sh / 2,
                        sw, sh, unit * 4, unit * 4));
                g.setTransform(saved);
            }
        }

        private void vignette() {
            float r = (float) Math.hypot(w, h) / 2;
            g.setPaint(new RadialGradientPaint(new Point2D.Float(w / 2f, h / 2f), r, new float[] {0.55f, 1},
                    new Color[] {new Color(0, 0, 0, 0), new Color(0, 0, 0, 90)}));
            g.fillRect(0, 0, w, h);
        }

        private static Color mix(Color a, Color b, float t) {
            return new Color(
                    Math.round(a.getRed() + (b.getRed() - a.getRed()) * t),
                    Math.round(a.getGreen() + (b.getGreen() - a.getGreen()) * t),
                    Math.round(a.getBlue() + (b.getBlue() - a.getBlue()) * t));
        }

        private static Color withAlpha(Color c, int alpha) {
            return new Color(c.getRed(), c.getGreen(), c.getBlue(), Math.min(255, alpha));
        }
    }
}
