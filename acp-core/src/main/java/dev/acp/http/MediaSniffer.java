package dev.acp.http;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Tells what a result file is by its first bytes, not by the Content-Type its server claims: an
 * HTML error page sent as {@code image/png} must not become {@code img.png}. Every path that
 * writes a provider's result (downloads, media answers, data URIs, base64 fields) checks the
 * bytes here before the file is kept.
 *
 * <p>The formats are those of the output extensions a step may name: PNG, JPEG, WebP, GIF, BMP
 * and TIFF images; MP4/MOV ({@code ftyp} and the older QuickTime atoms), WebM/MKV (EBML) and
 * AVI videos; MP3 (ID3 or a frame sync), WAV, Ogg (Vorbis, Opus), FLAC, AAC (ADTS, ADIF) and M4A
 * ({@code ftyp}) audio.
 */
public final class MediaSniffer {
    /** How many leading bytes are enough to tell every format here apart. */
    public static final int HEAD_BYTES = 64;

    /** The kinds of media a result may have to be. */
    public enum Kind {
        IMAGE("an image"), VIDEO("a video"), AUDIO("audio");

        private final String noun;

        Kind(String noun) {
            this.noun = noun;
        }
    }

    /**
     * A recognised format.
     *
     * @param name how a message names it ("a PNG image")
     */
    record Format(String name, List<Kind> kinds) {}

    private MediaSniffer() {}

    /**
     * The kinds of media a list of accepted content-type prefixes asks for ({@code "image/"},
     * {@code "video/mp4"}, ...); empty when it asks for none that can be sniffed (text, JSON, or
     * anything at all).
     */
    public static List<Kind> kinds(List<String> acceptedTypes) {
        java.util.EnumSet<Kind> kinds = java.util.EnumSet.noneOf(Kind.class);
        boolean audio = acceptedTypes.stream().anyMatch(t -> t.toLowerCase(Locale.ROOT).startsWith("audio/"));
        for (String t : acceptedTypes) {
            String type = t.toLowerCase(Locale.ROOT);
            if (type.startsWith("text/") || type.contains("json")) {
                return List.of();
            }
            if (type.startsWith("image/")) {
                kinds.add(Kind.IMAGE);
            } else if (type.equals("video/") || type.startsWith("video/") && !audio) {
                // "video/mp4" beside "audio/" is the container of M4A audio, not a video.
                kinds.add(Kind.VIDEO);
            } else if (type.startsWith("audio/")) {
                kinds.add(Kind.AUDIO);
            }
        }
        return List.copyOf(kinds);
    }

    /**
     * Why the first bytes of a result are not what was asked for, or null when they fit: "empty",
     * "HTML", "a PNG image" (when a video was asked for), ... An empty body never fits.
     *
     * @param head the first bytes (up to {@link #HEAD_BYTES}; fewer only when the body is shorter)
     * @param kinds what the result may be; empty accepts any non-empty body
     */
    public static @Nullable String misfit(byte[] head, int length, List<Kind> kinds) {
        if (length <= 0) {
            return "empty";
        }
        if (kinds.isEmpty()) {
            return null;
        }
        Optional<Format> format = format(head, length);
        if (format.isPresent() && format.get().kinds().stream().anyMatch(kinds::contains)) {
            return null;
        }
        return format.map(Format::name).orElseGet(() -> describeOther(head, length));
    }

    /** "an image", "a video or audio": what {@code kinds} asks for, for a message. */
    public static String expected(List<Kind> kinds) {
        return String.join(" or ", kinds.stream().map(k -> k.noun).toList());
    }

    /** The media format of the first bytes, if they are one ACP keeps. */
    static Optional<Format> format(byte[] b, int n) {
        if (startsWith(b, n, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return image("a PNG image");
        }
        if (startsWith(b, n, 0, 0xFF, 0xD8, 0xFF)) {
            return image("a JPEG image");
        }
        if (startsWith(b, n, 0, 'G', 'I', 'F', '8')) {
            return image("a GIF image");
        }
        if (startsWith(b, n, 0, 'R', 'I', 'F', 'F') && startsWith(b, n, 8, 'W', 'E', 'B', 'P')) {
            return image("a WebP image");
        }
        if (startsWith(b, n, 0, 'B', 'M') && n >= 14) {
            return image("a BMP image");
        }
        if (startsWith(b, n, 0, 'I', 'I', 0x2A, 0x00) || startsWith(b, n, 0, 'M', 'M', 0x00, 0x2A)) {
            return image("a TIFF image");
        }
        if (startsWith(b, n, 0, 'R', 'I', 'F', 'F') && startsWith(b, n, 8, 'A', 'V', 'I', ' ')) {
            return Optional.of(new Format("an AVI video", List.of(Kind.VIDEO)));
        }
        if (startsWith(b, n, 0, 'R', 'I', 'F', 'F') && startsWith(b, n, 8, 'W', 'A', 'V', 'E')) {
            return audio("WAV audio");
        }
        if (startsWith(b, n, 0, 0x1A, 0x45, 0xDF, 0xA3)) {
            // WebM and Matroska; an audio-only WebM is rare, and no audio extension holds one.
            return Optional.of(new Format("a WebM/Matroska video", List.of(Kind.VIDEO)));
        }
        if (isoMedia(b, n)) {
            // MP4, MOV and M4A share the ISO box layout: a video or audio, by what the step asked for.
            return Optional.of(new Format("an MP4/QuickTime file", List.of(Kind.VIDEO, Kind.AUDIO)));
        }
        if (startsWith(b, n, 0, 'I', 'D', '3')) {
            return audio("MP3 audio");
        }
        if (startsWith(b, n, 0, 'O', 'g', 'g', 'S')) {
            return audio("Ogg audio");
        }
        if (startsWith(b, n, 0, 'f', 'L', 'a', 'C')) {
            return audio("FLAC audio");
        }
        if (startsWith(b, n, 0, 'A', 'D', 'I', 'F')) {
            return audio("AAC audio");
        }
        if (n >= 2 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xE0) == 0xE0) {
            // An MPEG audio frame sync: layer bits 00 are AAC in ADTS, anything else MP3 (or MP2).
            boolean adts = (b[1] & 0x06) == 0 && (b[1] & 0xF0) == 0xF0;
            boolean validMpeg = (b[1] & 0x18) != 0x08 && (b[1] & 0x06) != 0;
            if (adts || validMpeg) {
                return audio(adts ? "AAC audio" : "MP3 audio");
            }
        }
        return Optional.empty();
    }

    /** An ISO base media file (MP4, MOV, M4A): a box size, then a box type a file can start with. */
    private static boolean isoMedia(byte[] b, int n) {
        if (n < 8) {
            return false;
        }
        String type = new String(b, 4, 4, StandardCharsets.ISO_8859_1);
        return List.of("ftyp", "moov", "mdat", "wide", "free", "skip", "pnot").contains(type);
    }

    /** Something that is not media: named so the user can tell an error page from a broken file. */
    private static String describeOther(byte[] b, int n) {
        int i = 0;
        if (startsWith(b, n, 0, 0xEF, 0xBB, 0xBF)) {
            i = 3;
        }
        while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n')) {
            i++;
        }
        String text = new String(b, i, n - i, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        if (text.startsWith("<!doctype html") || text.startsWith("<html") || text.startsWith("<head")
                || text.startsWith("<body") || text.startsWith("<!--") && text.contains("html")) {
            return "HTML";
        }
        if (text.startsWith("<?xml") || text.startsWith("<svg")) {
            return text.contains("<svg") ? "an SVG image (which ACP does not keep as a raster image)" : "XML";
        }
        if (text.startsWith("<")) {
            return "HTML";
        }
        if (text.startsWith("{") || text.startsWith("[")) {
            return "JSON";
        }
        if (text.startsWith("%pdf")) {
            return "a PDF document";
        }
        if (startsWith(b, n, 0, 'P', 'K', 3, 4)) {
            return "a ZIP archive";
        }
        if (startsWith(b, n, 0, 0x1F, 0x8B)) {
            return "gzip-compressed data";
        }
        boolean printable = true;
        for (int k = i; k < n; k++) {
            int c = b[k] & 0xFF;
            if (c < 0x09 || c > 0x0D && c < 0x20 || c == 0x7F) {
                printable = false;
                break;
            }
        }
        if (printable) {
            return "text";
        }
        StringBuilder hex = new StringBuilder();
        for (int k = 0; k < Math.min(n, 8); k++) {
            hex.append(k == 0 ? "" : " ").append(String.format("%02x", b[k] & 0xFF));
        }
        return "of no known media format (it starts with " + hex + ")";
    }

    private static Optional<Format> image(String name) {
        return Optional.of(new Format(name, List.of(Kind.IMAGE)));
    }

    private static Optional<Format> audio(String name) {
        return Optional.of(new Format(name, List.of(Kind.AUDIO)));
    }

    private static boolean startsWith(byte[] b, int n, int offset, int... magic) {
        if (n < offset + magic.length) {
            return false;
        }
        for (int k = 0; k < magic.length; k++) {
            if ((b[offset + k] & 0xFF) != (magic[k] & 0xFF)) {
                return false;
            }
        }
        return true;
    }
}
