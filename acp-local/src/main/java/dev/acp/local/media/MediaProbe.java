package dev.acp.local.media;

import dev.acp.env.Environment;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.local.process.CommandResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads the duration, container format and streams of a media file by running {@code ffmpeg -i
 * FILE} and parsing what it prints; the bundled ffmpeg has no ffprobe. Also counts video frames
 * exactly, by remuxing to the null muxer.
 *
 * <p>Usable outside providers, for example by end-to-end tests:
 *
 * <pre>{@code
 * MediaProbe probe = MediaProbe.create(Environment.system(), Path.of(System.getProperty("user.home"), ".acp"));
 * MediaInfo info = probe.probe(Path.of("out/clip.mp4"));
 * assert info.video().orElseThrow().codec().equals("h264");
 * }</pre>
 *
 * <p>Thread-safe; each call runs its own ffmpeg process.
 */
public final class MediaProbe {
    private static final Pattern INPUT = Pattern.compile("^Input #0, (.+?), from '.*':\\s*$");
    private static final Pattern DURATION = Pattern.compile(
            "^\\s*Duration: (?:N/A|(\\d+):(\\d{2}):(\\d{2}(?:\\.\\d+)?)).*?(?:bitrate: (?:N/A|(\\d+) kb/s))?\\s*$");
    private static final Pattern STREAM = Pattern.compile(
            "^\\s*Stream #0:(\\d+)(?:\\[[^]]*])?(?:\\([^)]*\\))?: (Video|Audio|Subtitle|Data|Attachment): (.*)$");
    private static final Pattern SIZE = Pattern.compile("^(\\d+)x(\\d+)(?:\\s.*)?$");
    private static final Pattern RATE = Pattern.compile("^(\\d+(?:\\.\\d+)?)(k?) (fps|tbr)$");
    private static final Pattern HERTZ = Pattern.compile("^(\\d+) Hz$");
    private static final Pattern CHANNELS = Pattern.compile("^(\\d+) channels?(?:\\s.*)?$");
    private static final Pattern LAYOUT = Pattern.compile("^(\\d+)\\.(\\d+)(?:\\(.*\\))?$");
    private static final Pattern FRAME = Pattern.compile("frame=\\s*(\\d+)");

    /** Sample rate audio is decoded at to be measured: the rate films are mixed at. */
    private static final int DECODE_RATE = 48_000;

    private final Ffmpeg ffmpeg;

    public MediaProbe(Ffmpeg ffmpeg) {
        this.ffmpeg = Objects.requireNonNull(ffmpeg, "ffmpeg");
    }

    /** A probe using the ffmpeg resolved from {@code environment} (see {@link FfmpegLocator}). */
    public static MediaProbe create(Environment environment, Path acpHome) {
        return new MediaProbe(Ffmpeg.locate(environment, acpHome));
    }

    /**
     * Describes {@code file}.
     *
     * @throws ProviderException {@link ErrorKind#VALIDATION} when the file does not exist,
     *     {@link ErrorKind#LOCAL} when ffmpeg cannot read it (with ffmpeg's reason)
     */
    public MediaInfo probe(Path file) throws ProviderException, InterruptedException {
        requireFile(file);
        CommandResult result = ffmpeg.execute(List.of("-i", file.toAbsolutePath().toString()), line -> {});
        MediaInfo info = parse(result.stderr());
        if (info == null) {
            throw new ProviderException(ErrorKind.LOCAL, "ffmpeg cannot read " + file + " as media: "
                    + result.stderrTail(2) + "; check that the file is a complete image, audio or video file");
        }
        return info;
    }

    /**
     * The exact number of frames in the first video stream, counted by copying its packets to
     * the null muxer (no decoding, so it is fast).
     */
    public long countVideoFrames(Path file) throws ProviderException, InterruptedException {
        requireFile(file);
        CommandResult result = ffmpeg.run(
                "counting the frames of " + file.getFileName(),
                List.of("-i", file.toAbsolutePath().toString(), "-map", "0:v:0", "-c", "copy", "-f", "null", "-"));
        long frames = -1;
        Matcher m = FRAME.matcher(result.stderr());
        while (m.find()) {
            frames = Long.parseLong(m.group(1));
        }
        if (frames < 0) {
            throw new ProviderException(ErrorKind.LOCAL, "ffmpeg did not report a frame count for " + file
                    + "; check that the file has a video stream");
        }
        return frames;
    }

    /**
     * The length of the first audio stream as ffmpeg plays it: every sample decoded (at 48 kHz,
     * mono) and counted. Unlike the duration {@link #probe} reads from the header, which for an
     * MP3 includes the encoder's padding and may be estimated from the bit rate, this is what a
     * film that mixes the file in really hears, to the sample.
     */
    public double decodedAudioSeconds(Path file) throws ProviderException, InterruptedException {
        requireFile(file);
        long[] bytes = {0};
        byte[] buffer = new byte[64 * 1024];
        CommandResult result = ffmpeg.executeReading("decoding " + file.getFileName(),
                List.of("-v", "error", "-i", file.toAbsolutePath().toString(), "-map", "0:a:0", "-ac", "1",
                        "-ar", Integer.toString(DECODE_RATE), "-f", "s16le", "pipe:1"),
                in -> {
                    for (int n; (n = in.read(buffer)) >= 0; ) {
                        bytes[0] += n;
                    }
                });
        if (!result.succeeded()) {
            throw new ProviderException(ErrorKind.LOCAL, "ffmpeg cannot decode the audio of " + file + ": "
                    + result.stderrTail(2) + "; check that the file is a complete audio file");
        }
        return bytes[0] / 2.0 / DECODE_RATE;
    }

    private static void requireFile(Path file) throws ProviderException {
        if (!Files.isRegularFile(file)) {
            throw new ProviderException(ErrorKind.VALIDATION, "no such file: " + file
                    + "; check the path (and that an earlier step produced it)");
        }
    }

    /**
     * Parses the output of {@code ffmpeg -i FILE}; null when it names no input, which callers
     * that word their own message for a file that is not media can tell from ffmpeg failing to run.
     */
    public static @Nullable MediaInfo parse(String stderr) {
        String format = null;
        Double duration = null;
        Integer bitRate = null;
        List<MediaStream> streams = new ArrayList<>();
        for (String line : stderr.split("\\R")) {
            if (format == null) {
                Matcher input = INPUT.matcher(line);
                if (input.matches()) {
                    format = input.group(1);
                }
                continue;
            }
            if (line.startsWith("Input #") || line.startsWith("Output #") || line.startsWith("Stream mapping")) {
                break;
            }
            Matcher d = DURATION.matcher(line);
            if (d.matches()) {
                if (d.group(1) != null) {
                    duration = Integer.parseInt(d.group(1)) * 3600.0
                            + Integer.parseInt(d.group(2)) * 60.0
                            + Double.parseDouble(d.group(3));
                }
                if (d.group(4) != null) {
                    bitRate = Integer.parseInt(d.group(4));
                }
                continue;
            }
            Matcher s = STREAM.matcher(line);
            if (s.matches()) {
                streams.add(stream(Integer.parseInt(s.group(1)), s.group(2), s.group(3)));
            }
        }
        return format == null ? null : new MediaInfo(format, duration, bitRate, streams);
    }

    private static MediaStream stream(int index, String type, String details) {
        List<String> parts = splitTopLevel(details);
        String codec = parts.isEmpty() ? "unknown" : firstWord(parts.getFirst());
        return switch (type) {
            case "Video" -> video(index, codec, parts);
            case "Audio" -> audio(index, codec, parts);
            default -> new MediaStream.Other(index, type.toLowerCase(Locale.ROOT), codec);
        };
    }

    private static MediaStream.Video video(int index, String codec, List<String> parts) {
        String pixelFormat = null;
        int width = 0;
        int height = 0;
        Double fps = null;
        Double tbr = null;
        for (int i = 1; i < parts.size(); i++) {
            String part = parts.get(i);
            Matcher size = SIZE.matcher(part);
            Matcher rate = RATE.matcher(part);
            if (size.matches() && width == 0) {
                width = Integer.parseInt(size.group(1));
                height = Integer.parseInt(size.group(2));
            } else if (rate.matches()) {
                double value = Double.parseDouble(rate.group(1)) * (rate.group(2).isEmpty() ? 1 : 1000);
                if (rate.group(3).equals("fps")) {
                    fps = value;
                } else {
                    tbr = value;
                }
            } else if (i == 1 && part.matches("^[a-z0-9_]+(\\(.*\\))?$")) {
                pixelFormat = firstWord(part.replaceFirst("\\(.*$", ""));
            }
        }
        return new MediaStream.Video(index, codec, pixelFormat, width, height, fps != null ? fps : tbr);
    }

    private static MediaStream.Audio audio(int index, String codec, List<String> parts) {
        int sampleRate = 0;
        int channels = 0;
        for (int i = 1; i < parts.size(); i++) {
            String part = parts.get(i);
            Matcher hz = HERTZ.matcher(part);
            if (hz.matches()) {
                sampleRate = Integer.parseInt(hz.group(1));
            } else if (channels == 0) {
                channels = channelCount(part);
            }
        }
        return new MediaStream.Audio(index, codec, sampleRate, channels);
    }

    /** Channels of an ffmpeg channel layout name; 0 when the text is not a layout. */
    static int channelCount(String layout) {
        Matcher n = CHANNELS.matcher(layout);
        if (n.matches()) {
            return Integer.parseInt(n.group(1));
        }
        Matcher dotted = LAYOUT.matcher(layout);
        if (dotted.matches()) {
            return Integer.parseInt(dotted.group(1)) + Integer.parseInt(dotted.group(2));
        }
        return switch (layout.replaceFirst("\\(.*$", "")) {
            case "mono" -> 1;
            case "stereo", "downmix" -> 2;
            case "quad" -> 4;
            case "hexagonal" -> 6;
            case "octagonal", "cube" -> 8;
            default -> 0;
        };
    }

    private static String firstWord(String text) {
        String stripped = text.strip();
        int space = stripped.indexOf(' ');
        return space < 0 ? stripped : stripped.substring(0, space);
    }

    /** Splits at commas that are not inside parentheses or brackets. */
    static List<String> splitTopLevel(String text) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(' || c == '[') {
                depth++;
            } else if ((c == ')' || c == ']') && depth > 0) {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(text.substring(start, i).strip());
                start = i + 1;
            }
        }
        parts.add(text.substring(start).strip());
        return parts;
    }
}
