package dev.acp.local.text;

import dev.acp.local.support.StableHash;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

/**
 * Expands a prompt for image or video generation with rules, not a model: the same input, style,
 * seed and variant number always give the same text.
 *
 * <p>An expansion keeps the user's prompt first and appends, in order: a subject detail, a setting
 * (skipped when the prompt already places its subject), lighting (skipped when the prompt already
 * names light or time of day), a composition, the style's medium or lens, and two quality
 * descriptors. Each is picked from a curated vocabulary by a random generator seeded with a hash of
 * prompt, style, seed and variant. Known styles (see {@link #STYLES}) bring their own medium and
 * quality words; any other style is used verbatim ("in a &lt;style&gt; style").
 */
public final class PromptExpander {
    /** Name recorded in metadata. */
    public static final String GENERATOR = "rule-based (not AI)";

    private record Style(List<String> media, List<String> quality) {}

    private static final List<String> SUBJECT_DETAILS = List.of(
            "rich in fine detail", "with intricate textures", "with a clear focal point", "full of character",
            "with subtle motion", "with a sense of scale", "with striking silhouettes", "with layered depth",
            "with delicate details", "with expressive shapes");

    private static final List<String> SETTINGS = List.of(
            "in a vast open landscape", "in a quiet misty valley", "on a windswept coastline", "in an ancient forest",
            "in a bustling city square", "in a serene mountain meadow", "in a sunlit courtyard",
            "beneath a dramatic sky", "in a cosy interior", "at the edge of a calm lake");

    private static final List<String> LIGHTING = List.of(
            "at golden hour", "in soft diffused light", "under dramatic rim lighting", "in warm late-afternoon sun",
            "at blue hour", "with volumetric light rays", "in gentle morning light", "under moody overcast light",
            "with high-contrast chiaroscuro", "lit by glowing lanterns");

    private static final List<String> COMPOSITION = List.of(
            "rule-of-thirds composition", "wide establishing shot", "low-angle perspective", "centred symmetrical framing",
            "close-up with shallow depth of field", "leading lines toward the subject", "aerial view",
            "over-the-shoulder framing", "balanced negative space", "dynamic diagonal composition");

    private static final List<String> GENERIC_MEDIA = List.of(
            "shot on a 35mm lens", "50mm prime lens, f/1.8", "medium format photograph", "digital painting",
            "matte painting", "concept art");

    private static final List<String> GENERIC_QUALITY = List.of(
            "highly detailed", "sharp focus", "balanced colours", "professional quality", "crisp textures",
            "vivid yet natural colours", "award-winning");

    private static final Map<String, Style> STYLE_VOCABULARY = Map.ofEntries(
            Map.entry("cinematic", new Style(
                    List.of("anamorphic lens, 2.39:1 feel", "shot on 35mm film", "Arri Alexa look", "24mm wide-angle lens"),
                    List.of("cinematic colour grading", "film grain", "epic atmosphere", "dramatic depth", "teal and orange palette"))),
            Map.entry("realistic", new Style(
                    List.of("DSLR photograph, 50mm lens", "85mm portrait lens, f/2", "full-frame camera", "natural-light photograph"),
                    List.of("photorealistic", "true-to-life colours", "8k detail", "natural skin and material textures"))),
            Map.entry("photorealistic", new Style(
                    List.of("DSLR photograph, 50mm lens", "85mm lens, f/1.8", "full-frame camera"),
                    List.of("photorealistic", "ultra-detailed", "lifelike lighting", "8k resolution"))),
            Map.entry("cartoon", new Style(
                    List.of("2D cartoon illustration", "bold ink outlines", "flat cel shading", "Saturday-morning cartoon style"),
                    List.of("vibrant colours", "playful shapes", "clean lines", "expressive characters"))),
            Map.entry("anime", new Style(
                    List.of("anime key visual", "cel-shaded anime illustration", "Studio-style background art", "anime film still"),
                    List.of("vivid colours", "clean line art", "detailed backgrounds", "expressive eyes", "soft bloom"))),
            Map.entry("watercolor", new Style(
                    List.of("watercolour painting on cold-press paper", "loose watercolour washes", "wet-on-wet watercolour"),
                    List.of("soft bleeding edges", "delicate pigment granulation", "airy white space", "gentle pastel tones"))),
            Map.entry("oil painting", new Style(
                    List.of("oil on canvas", "impasto oil painting", "classical oil painting"),
                    List.of("visible brushstrokes", "rich pigments", "museum quality", "warm varnish glow"))),
            Map.entry("pixel art", new Style(
                    List.of("16-bit pixel art", "isometric pixel art", "retro game sprite art"),
                    List.of("limited palette", "crisp pixels", "nostalgic charm", "clean dithering"))),
            Map.entry("3d render", new Style(
                    List.of("3D render, octane", "physically based rendering", "isometric 3D diorama", "Blender Cycles render"),
                    List.of("global illumination", "soft shadows", "subsurface scattering", "high-poly detail"))),
            Map.entry("sketch", new Style(
                    List.of("pencil sketch", "charcoal drawing", "ink sketch with cross-hatching"),
                    List.of("expressive linework", "monochrome", "hand-drawn texture", "loose gestural strokes"))),
            Map.entry("fantasy", new Style(
                    List.of("epic fantasy illustration", "digital matte painting", "storybook illustration"),
                    List.of("magical atmosphere", "ethereal glow", "intricate detail", "rich colour palette"))),
            Map.entry("noir", new Style(
                    List.of("black-and-white film noir still", "high-contrast monochrome photograph"),
                    List.of("deep shadows", "moody atmosphere", "venetian-blind light", "grainy texture"))),
            Map.entry("minimalist", new Style(
                    List.of("minimalist vector illustration", "flat design", "minimalist photograph"),
                    List.of("clean negative space", "limited palette", "simple geometric forms", "calm balance"))));

    /** Styles with curated vocabularies, lower case. */
    public static final Set<String> STYLES = Set.copyOf(STYLE_VOCABULARY.keySet());

    private static final Pattern HAS_LIGHT = Pattern.compile(
            "\\b(light|lit|lighting|sunset|sunrise|dawn|dusk|night|golden hour|noon|moon|glow|shadow|neon|twilight|evening|morning)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern HAS_SETTING = Pattern.compile(
            "\\b(in|on|at|inside|beneath|under|above|over|near|by)\\s+(a|an|the)\\b", Pattern.CASE_INSENSITIVE);

    private PromptExpander() {}

    /**
     * {@code count} expansions of {@code prompt}, each different while the vocabularies allow.
     *
     * @param style a style name (known ones use curated words), or blank for none
     */
    public static List<String> expand(String prompt, String style, long seed, int count) {
        String base = prompt.strip().replaceAll("\\s+", " ").replaceAll("[.,;:\\s]+$", "");
        Set<String> variants = new LinkedHashSet<>();
        for (int variant = 0; variants.size() < count && variant < count * 4; variant++) {
            variants.add(expandOne(base, style.strip(), seed, variant));
        }
        return List.copyOf(variants);
    }

    private static String expandOne(String base, String style, long seed, int variant) {
        SplittableRandom random = new SplittableRandom(StableHash.of("prompt", base, style.toLowerCase(Locale.ROOT), seed, variant));
        Style vocabulary = STYLE_VOCABULARY.get(style.toLowerCase(Locale.ROOT));
        List<String> parts = new ArrayList<>();
        parts.add(base + " " + pick(SUBJECT_DETAILS, random));
        if (!HAS_SETTING.matcher(base).find()) {
            parts.add(pick(SETTINGS, random));
        }
        if (!HAS_LIGHT.matcher(base).find()) {
            parts.add(pick(LIGHTING, random));
        }
        parts.add(pick(COMPOSITION, random));
        if (vocabulary != null) {
            parts.add(pick(vocabulary.media(), random));
            List<String> quality = new ArrayList<>(vocabulary.quality());
            parts.add(quality.remove(random.nextInt(quality.size())));
            parts.add(quality.remove(random.nextInt(quality.size())));
        } else {
            if (!style.isEmpty()) {
                parts.add("in a " + style + " style");
            }
            parts.add(pick(GENERIC_MEDIA, random));
            List<String> quality = new ArrayList<>(GENERIC_QUALITY);
            parts.add(quality.remove(random.nextInt(quality.size())));
            parts.add(quality.remove(random.nextInt(quality.size())));
        }
        return String.join(", ", parts);
    }

    private static String pick(List<String> words, SplittableRandom random) {
        return words.get(random.nextInt(words.size()));
    }
}
