package dev.acp.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends a file with its content type and HTTP range support ({@code Range: bytes=a-b}, {@code a-},
 * {@code -n}), so a browser's video element can seek. A request for several ranges gets the whole
 * file (allowed by RFC 9110); a range past the end gets 416.
 */
final class FileAnswer {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"),
            Map.entry("webp", "image/webp"), Map.entry("gif", "image/gif"), Map.entry("mp4", "video/mp4"),
            Map.entry("webm", "video/webm"), Map.entry("mov", "video/quicktime"), Map.entry("mp3", "audio/mpeg"),
            Map.entry("wav", "audio/wav"), Map.entry("ogg", "audio/ogg"), Map.entry("m4a", "audio/mp4"),
            Map.entry("json", "application/json"), Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("md", "text/plain; charset=utf-8"), Map.entry("srt", "text/plain; charset=utf-8"),
            Map.entry("vtt", "text/vtt; charset=utf-8"), Map.entry("csv", "text/csv; charset=utf-8"),
            Map.entry("jsonl", "application/jsonl"));

    private FileAnswer() {}

    /** The content type by extension; anything else (HTML too, so an output cannot run script here) is bytes. */
    static String contentType(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(ext, "application/octet-stream");
    }

    /** A byte range, both ends included. */
    record Range(long first, long last) {
        long length() {
            return last - first + 1;
        }
    }

    /** The one range asked for, empty for the whole file; 416 when it lies outside a file of {@code size}. */
    static Optional<Range> range(Optional<String> header, long size) {
        if (header.isEmpty() || header.get().contains(",")) {
            return Optional.empty();
        }
        Matcher m = RANGE.matcher(header.get().strip());
        if (!m.matches() || m.group(1).isEmpty() && m.group(2).isEmpty()) {
            return Optional.empty(); // not a byte range we know: the whole file, as RFC 9110 allows
        }
        try {
            if (m.group(1).isEmpty()) {
                long suffix = Long.parseLong(m.group(2));
                if (suffix == 0 || size == 0) {
                    throw unsatisfiable(size);
                }
                return Optional.of(new Range(Math.max(0, size - suffix), size - 1));
            }
            long first = Long.parseLong(m.group(1));
            long last = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
            if (first >= size || last < first) {
                throw unsatisfiable(size);
            }
            return Optional.of(new Range(first, last));
        } catch (NumberFormatException e) {
            throw unsatisfiable(size); // digits too long for a long: past any file's end
        }
    }

    private static ApiException unsatisfiable(long size) {
        return new ApiException(416, "range_not_satisfiable", "the range asked for lies outside the file of " + size
                + " bytes", List.of(), Map.of("size", size));
    }

    static void send(HttpCall call, Path file) throws IOException {
        long size = Files.size(file);
        call.setHeader("Accept-Ranges", "bytes");
        Optional<Range> range;
        try {
            range = range(call.header("Range"), size);
        } catch (ApiException e) {
            call.setHeader("Content-Range", "bytes */" + size);
            throw e;
        }
        call.setHeader("Content-Type", contentType(file));
        call.setHeader("X-Content-Type-Options", "nosniff");
        call.setHeader("Cache-Control", "no-cache");
        long first = range.map(Range::first).orElse(0L);
        long length = range.map(Range::length).orElse(size);
        int status = range.isPresent() ? 206 : 200;
        range.ifPresent(r -> call.setHeader("Content-Range", "bytes " + r.first() + "-" + r.last() + "/" + size));
        if (call.method().equals("HEAD")) {
            call.setHeader("Content-Length", Long.toString(length));
            call.stream(status, -1).close();
            return;
        }
        try (OutputStream out = call.stream(status, length == 0 ? -1 : length);
                InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(first);
            byte[] buffer = new byte[64 * 1024];
            long left = length;
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    break; // the file shrank since its size was read: the client sees a short answer
                }
                out.write(buffer, 0, n);
                left -= n;
            }
        }
    }
}
