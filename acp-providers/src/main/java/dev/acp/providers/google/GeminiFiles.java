package dev.acp.providers.google;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.acp.util.Sleeper;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.http.HttpCall;
import dev.acp.http.HttpResult;
import dev.acp.providers.google.internal.FileResource;
import dev.acp.providers.support.Json;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Input files of Gemini and Veo calls. A reference (local path, http(s) URL, {@code data:} URI)
 * becomes a local file first (URLs are downloaded without the key, data URIs decoded), then:
 *
 * <ul>
 *   <li>for {@code generateContent}, an {@code inlineData} part when it is at most the inline
 *       limit, else a {@code fileData} part after an upload to the Files API;
 *   <li>for Veo, base64 bytes ({@code bytesBase64Encoded}): the Developer API takes images only so
 *       (providers.md 6.3).
 * </ul>
 *
 * <p>The Files API upload is Google's resumable protocol ({@code media.upload}; providers.md 6.2
 * names only {@code fileData{mimeType,fileUri}}, so the exchange follows the official SDK and
 * docs): {@code POST {base}/upload/v1beta/files} with {@code X-Goog-Upload-Protocol: resumable},
 * {@code X-Goog-Upload-Command: start} and the size and type of the file, answered with an
 * {@code X-Goog-Upload-URL}; then the bytes to that URL with
 * {@code X-Goog-Upload-Command: upload, finalize}, answered with {@code {"file":{...}}}. A file
 * that is still {@code PROCESSING} (videos are) is read again with {@code GET /v1beta/{name}}
 * until it is {@code ACTIVE}; {@code FAILED} refuses the step. Uploads are free, so every call
 * here is retried as safe. A file uploaded once is reused by later steps of the same process
 * (Google keeps files for 48 hours).
 */
final class GeminiFiles {
    /**
     * Raw bytes above which a file goes through the Files API: Gemini takes about 20 MB per
     * request (UNCONFIRMED in providers.md), and base64 makes 14 MB into about 19 MB.
     */
    static final long DEFAULT_INLINE_LIMIT = 14L * 1024 * 1024;
    /** The Files API's limit per file. */
    static final long MAX_UPLOAD_BYTES = 2L * 1024 * 1024 * 1024;
    /** Veo takes its images inline; larger ones are refused before anything is paid. */
    static final long MAX_VEO_IMAGE_BYTES = 20L * 1024 * 1024;
    static final Duration ACTIVE_POLL = Duration.ofSeconds(2);

    /** Media types Gemini reads, by extension: images, and videos (which Gemini also understands). */
    static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"),
            Map.entry("webp", "image/webp"), Map.entry("heic", "image/heic"), Map.entry("heif", "image/heif"),
            Map.entry("mp4", "video/mp4"), Map.entry("mov", "video/quicktime"), Map.entry("webm", "video/webm"),
            Map.entry("mpeg", "video/mpeg"), Map.entry("avi", "video/x-msvideo"));

    /** A local file ready to send, and where it came from (for the report). */
    record Local(Path file, String mimeType, String source) {}

    private final GoogleApi api;
    private final Sleeper sleeper;
    private final long inlineLimit;
    private final int maxActivePolls;
    private final Map<String, FileResource> uploaded = new java.util.concurrent.ConcurrentHashMap<>();

    GeminiFiles(GoogleApi api, Sleeper sleeper, long inlineLimit, Duration activeWait) {
        this.api = api;
        this.sleeper = sleeper;
        this.inlineLimit = inlineLimit;
        this.maxActivePolls = (int) Math.max(1, activeWait.toMillis() / ACTIVE_POLL.toMillis());
    }

    /** The media type of a file name by its extension, if Gemini reads it. */
    static Optional<String> mediaType(String name) {
        String n = name.replace('\\', '/');
        int q = n.indexOf('?');
        if (q >= 0) {
            n = n.substring(0, q);
        }
        int dot = n.lastIndexOf('.');
        return dot < 0 ? Optional.empty() : Optional.ofNullable(TYPES.get(n.substring(dot + 1).toLowerCase(Locale.ROOT)));
    }

    static boolean remote(String ref) {
        String r = ref.toLowerCase(Locale.ROOT);
        return r.startsWith("http://") || r.startsWith("https://");
    }

    /**
     * The reference as a local file: a path as given, a {@code data:} URI decoded into
     * {@code scratch}, a URL downloaded into {@code scratch} (without the key: it is the user's).
     *
     * @param parameter the config key it came from, for messages
     */
    Local local(String ref, String parameter, Path scratch, long maxBytes) throws ProviderException, InterruptedException {
        if (ref.startsWith("data:")) {
            int comma = ref.indexOf(',');
            String header = comma < 0 ? "" : ref.substring(5, comma);
            if (comma < 0 || !header.endsWith(";base64")) {
                throw invalid(parameter, "is a data: URI without base64 content", "write data:<type>;base64,<data>");
            }
            String type = header.substring(0, header.length() - ";base64".length()).toLowerCase(Locale.ROOT);
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(ref.substring(comma + 1).strip());
            } catch (IllegalArgumentException e) {
                throw invalid(parameter, "is a data: URI whose base64 content is malformed", "encode the file again");
            }
            if (bytes.length > maxBytes) {
                throw tooLarge(parameter, bytes.length, maxBytes);
            }
            Path file = scratch.resolve("google-input-" + Integer.toHexString(ref.hashCode()) + extension(type));
            try {
                Files.write(file, bytes);
            } catch (IOException e) {
                throw new ProviderException(ErrorKind.LOCAL, "google: cannot write " + file + ": " + e.getMessage());
            }
            return new Local(file, type, "data uri");
        }
        if (remote(ref)) {
            URI uri = GoogleApi.uri(ref, "config." + parameter);
            String type = mediaType(uri.getPath() == null ? "" : uri.getPath()).orElse("image/png");
            Path file = scratch.resolve("google-input-" + Integer.toHexString(ref.hashCode()) + extension(type));
            HttpCall call = new HttpCall("GET", uri, Map.of(), (HttpRequest.BodyPublisher) null,
                    api.timeouts().download(), HttpCall.Retry.SAFE, GoogleErrors.INSTANCE, api.governor(),
                    api.secrets());
            api.transport().download(call, file, maxBytes, List.of("image/", "video/"));
            return new Local(file, type, "url");
        }
        Path file = Path.of(ref);
        if (!Files.isRegularFile(file)) {
            throw invalid(parameter, "names " + ref + ", which is not a readable file", "check the path");
        }
        String type = mediaType(file.getFileName().toString()).orElseThrow(() -> invalid(parameter,
                "'" + file.getFileName() + "' is not a format Gemini reads (" + String.join(", ",
                        new java.util.TreeSet<>(TYPES.keySet())) + ")", "convert it to PNG, JPEG or MP4"));
        try {
            long size = Files.size(file);
            if (size > maxBytes) {
                throw tooLarge(parameter, size, maxBytes);
            }
        } catch (IOException e) {
            throw invalid(parameter, "cannot be read: " + e.getMessage(), "check the file");
        }
        return new Local(file, type, "file");
    }

    /**
     * A {@code generateContent} part for the file: inline when small, else through the Files API.
     *
     * @param metadata receives {@code input_transfer}: {@code inline} or {@code files_api}
     */
    ObjectNode part(Local input, Map<String, Object> metadata) throws ProviderException, InterruptedException {
        long size = size(input.file());
        ObjectNode part = Json.MAPPER.createObjectNode();
        if (size <= inlineLimit) {
            part.putObject("inlineData").put("mimeType", input.mimeType()).put("data", base64(input.file()));
            metadata.put("input_transfer", "inline");
            return part;
        }
        FileResource file = upload(input);
        part.putObject("fileData").put("mimeType", file.mimeType() == null ? input.mimeType() : file.mimeType())
                .put("fileUri", file.uri());
        metadata.put("input_transfer", "files_api");
        metadata.put("input_file", file.name());
        return part;
    }

    /** The file as Veo's image object: {@code {bytesBase64Encoded, mimeType}}. */
    ObjectNode veoImage(Local input) throws ProviderException {
        ObjectNode image = Json.MAPPER.createObjectNode();
        image.put("bytesBase64Encoded", base64(input.file())).put("mimeType", input.mimeType());
        return image;
    }

    /** Uploads a file (once per process for the same path, size and time) and waits until it is ACTIVE. */
    FileResource upload(Local input) throws ProviderException, InterruptedException {
        String identity;
        try {
            identity = input.file().toAbsolutePath() + "|" + Files.size(input.file()) + "|"
                    + Files.getLastModifiedTime(input.file()).toMillis();
        } catch (IOException e) {
            throw new ProviderException(ErrorKind.VALIDATION, "google: cannot read " + input.file() + ": " + e.getMessage());
        }
        FileResource known = uploaded.get(identity);
        if (known != null) {
            return known;
        }
        FileResource file = awaitActive(send(input));
        uploaded.put(identity, file);
        return file;
    }

    private FileResource send(Local input) throws ProviderException, InterruptedException {
        long size = size(input.file());
        if (size > MAX_UPLOAD_BYTES) {
            throw new ProviderException(ErrorKind.VALIDATION, "google: " + input.file().getFileName() + " is "
                    + size / (1024 * 1024) + " MB; the Files API takes at most 2 GB");
        }
        URI start = api.upload("files");
        Map<String, String> h = api.headers(start);
        h.put("X-Goog-Upload-Protocol", "resumable");
        h.put("X-Goog-Upload-Command", "start");
        h.put("X-Goog-Upload-Header-Content-Length", Long.toString(size));
        h.put("X-Goog-Upload-Header-Content-Type", input.mimeType());
        h.put("Content-Type", "application/json");
        ObjectNode meta = Json.MAPPER.createObjectNode();
        meta.putObject("file").put("displayName", input.file().getFileName().toString());
        HttpResult started = api.execute(new HttpCall("POST", start, h, Json.body(meta), api.timeouts().poll(),
                HttpCall.Retry.SAFE, GoogleErrors.INSTANCE, api.governor(), api.secrets()));
        String sessionUrl = started.header("X-Goog-Upload-URL").orElseThrow(() -> new ProviderException(
                ErrorKind.TRANSIENT, "google: the Files API started an upload without an X-Goog-Upload-URL (HTTP "
                + started.status() + ")"));
        URI session = GoogleApi.uri(sessionUrl, "the upload session URL");
        Map<String, String> uh = api.headers(session);
        uh.put("X-Goog-Upload-Command", "upload, finalize");
        uh.put("X-Goog-Upload-Offset", "0");
        uh.put("Content-Type", input.mimeType());
        HttpRequest.BodyPublisher bytes;
        try {
            bytes = HttpRequest.BodyPublishers.ofFile(input.file());
        } catch (FileNotFoundException e) {
            throw new ProviderException(ErrorKind.VALIDATION, "google: cannot read " + input.file() + ": " + e.getMessage());
        }
        HttpResult done = api.execute(new HttpCall("POST", session, uh, bytes, api.timeouts().upload(),
                HttpCall.Retry.SAFE, GoogleErrors.INSTANCE, api.governor(), api.secrets()));
        JsonNode json = Json.read(done, "google", ErrorKind.TRANSIENT);
        FileResource.Uploaded answer = Json.MAPPER.convertValue(json, FileResource.Uploaded.class);
        FileResource file = answer.file();
        if (file == null || file.uri() == null || file.name() == null) {
            throw new ProviderException(ErrorKind.TRANSIENT, "google: the Files API's answer names no file: "
                    + done.excerpt());
        }
        return file;
    }

    private FileResource awaitActive(FileResource file) throws ProviderException, InterruptedException {
        FileResource current = file;
        for (int polls = 0; ; polls++) {
            String state = current.state() == null ? "" : current.state().toUpperCase(Locale.ROOT);
            if (state.equals("ACTIVE")) {
                return current;
            }
            if (state.equals("FAILED")) {
                String why = current.error() == null || current.error().message() == null ? ""
                        : ": " + current.error().message();
                throw new ProviderException(ErrorKind.VALIDATION, "google: Gemini could not process the uploaded "
                        + current.name() + why);
            }
            if (polls >= maxActivePolls) {
                throw new ProviderException(ErrorKind.TIMEOUT, "google: the uploaded " + current.name()
                        + " was still " + (state.isEmpty() ? "not active" : state) + " after "
                        + maxActivePolls * ACTIVE_POLL.toSeconds() + " s");
            }
            sleeper.sleep(ACTIVE_POLL);
            HttpResult r = api.get(api.api(fileName(current)), api.timeouts().poll());
            FileResource next = Json.MAPPER.convertValue(Json.read(r, "google", ErrorKind.TRANSIENT), FileResource.class);
            // The state answer may leave out the uri; the upload's answer had it.
            current = new FileResource(current.name(), next.uri() == null ? current.uri() : next.uri(),
                    next.mimeType() == null ? current.mimeType() : next.mimeType(), next.state(), next.error());
        }
    }

    private static String fileName(FileResource file) throws ProviderException {
        String name = file.name() == null ? "" : file.name();
        if (!name.matches("files/[A-Za-z0-9_-]+")) {
            throw new ProviderException(ErrorKind.TRANSIENT, "google: the Files API named the upload '" + name
                    + "', which is not a file name");
        }
        return name;
    }

    private static long size(Path file) throws ProviderException {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new ProviderException(ErrorKind.VALIDATION, "google: cannot read " + file + ": " + e.getMessage());
        }
    }

    private static String base64(Path file) throws ProviderException {
        try {
            return Base64.getEncoder().encodeToString(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new ProviderException(ErrorKind.VALIDATION, "google: cannot read " + file + ": " + e.getMessage());
        }
    }

    private static String extension(String mimeType) {
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(TYPES).entrySet()) {
            if (e.getValue().equals(mimeType)) {
                return "." + e.getKey();
            }
        }
        return ".bin";
    }

    private static ProviderException invalid(String parameter, String what, String fix) {
        return new ProviderException(ErrorKind.VALIDATION, "google: config." + parameter + " " + what + " (" + fix + ")");
    }

    private static ProviderException tooLarge(String parameter, long size, long max) {
        return invalid(parameter, "is " + size / (1024 * 1024) + " MB, over the limit of " + max / (1024 * 1024) + " MB",
                "use a smaller file");
    }

    /** For tests: how many files this instance has uploaded. */
    int uploads() {
        return uploaded.size();
    }
}
