package dev.acp.providers.fal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.http.ErrorMapper;
import dev.acp.http.Governor;
import dev.acp.http.HttpCall;
import dev.acp.http.HttpResult;
import dev.acp.http.HttpTransport;
import dev.acp.providers.fal.internal.UploadInitiated;
import dev.acp.providers.fal.internal.UploadRequest;
import dev.acp.providers.support.DataUris;
import dev.acp.providers.support.Json;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Local input files as URLs fal can read (providers.md 1.7).
 *
 * <p>The rule: every local file is uploaded to fal storage (option B: {@code POST
 * {rest}/storage/upload/initiate?storage_type=fal-cdn-v3}, then {@code PUT} of the raw bytes to
 * the signed {@code upload_url}), both retried as safe calls, and the submission carries the
 * short {@code file_url}. Only when the upload fails for another reason than the key (AUTH,
 * QUOTA) and the file is at most {@value #INLINE_MAX_MB} MB is it sent inline as a
 * {@code data:} URI (option A) instead. Uploading first keeps the paid submission, which is
 * sent only once, small: a multi-megabyte body is more likely to break off mid-request and
 * leave its outcome unknown.
 *
 * <p>A file uploaded once is not uploaded again by the same provider while its size and
 * modification time stay the same (several steps often animate the same image).
 */
final class FalUploads {
    static final int INLINE_MAX_MB = 10;
    static final long INLINE_MAX_BYTES = INLINE_MAX_MB * 1024L * 1024L;
    static final String STORAGE_TYPE = "fal-cdn-v3";

    private final HttpTransport transport;
    private final Governor governor;
    private final String storageBase;
    private final Map<String, String> authHeaders;
    private final List<String> secrets;
    private final Duration timeout;
    private final Map<String, String> uploaded = new ConcurrentHashMap<>();

    FalUploads(HttpTransport transport, Governor governor, String storageBase, Map<String, String> authHeaders,
            List<String> secrets, Duration timeout) {
        this.transport = transport;
        this.governor = governor;
        this.storageBase = storageBase;
        this.authHeaders = Map.copyOf(authHeaders);
        this.secrets = List.copyOf(secrets);
        this.timeout = timeout;
    }

    /** The URL fal reads {@code file} from: its storage URL, or a data URI when storage failed. */
    String url(Path file) throws ProviderException, InterruptedException {
        String key;
        long size;
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            size = a.size();
            key = file.toAbsolutePath() + "|" + size + "|" + a.lastModifiedTime().toMillis();
        } catch (IOException e) {
            throw new ProviderException(ErrorKind.VALIDATION, "fal: cannot read the input file " + file + ": " + e.getMessage());
        }
        String known = uploaded.get(key);
        if (known != null) {
            return known;
        }
        try {
            String url = upload(file);
            uploaded.put(key, url);
            return url;
        } catch (ProviderException e) {
            if (e.kind() == ErrorKind.AUTH || e.kind() == ErrorKind.QUOTA || size > INLINE_MAX_BYTES) {
                throw new ProviderException(e.kind(), "fal: uploading " + file.getFileName() + " failed: "
                        + e.getMessage(), e.retryAfter().orElse(null), e.requestId().orElse(null), e);
            }
            return DataUris.of(file, INLINE_MAX_BYTES, "fal");
        }
    }

    private String upload(Path file) throws ProviderException, InterruptedException {
        String type = DataUris.mediaType(file);
        URI initiate = URI.create(storageBase + "/storage/upload/initiate?storage_type=" + STORAGE_TYPE);
        Map<String, String> headers = new java.util.HashMap<>(authHeaders);
        headers.put("Content-Type", "application/json");
        headers.put("Accept", "application/json");
        HttpResult r = transport.execute(new HttpCall("POST", initiate, headers,
                Json.body(new UploadRequest(file.getFileName().toString(), type)), Duration.ofSeconds(30),
                HttpCall.Retry.SAFE, FalErrors.INSTANCE, governor, secrets));
        JsonNode json = Json.read(r, "fal", ErrorKind.TRANSIENT);
        UploadInitiated answer = Json.MAPPER.convertValue(json, UploadInitiated.class);
        if (answer.uploadUrl() == null || answer.fileUrl() == null) {
            throw new ProviderException(ErrorKind.TRANSIENT, "fal: the storage answer lacks upload_url or file_url: "
                    + r.excerpt());
        }
        HttpRequest.BodyPublisher bytes;
        try {
            bytes = HttpRequest.BodyPublishers.ofFile(file);
        } catch (FileNotFoundException e) {
            throw new ProviderException(ErrorKind.VALIDATION, "fal: the input file " + file + " is gone");
        }
        // The signed URL is its own authorisation: fal's key is not sent there.
        try {
            transport.execute(new HttpCall("PUT", uri(answer.uploadUrl()), Map.of("Content-Type", type), bytes, timeout,
                    HttpCall.Retry.SAFE, ErrorMapper.STANDARD, governor, secrets));
        } catch (ProviderException e) {
            if (e.kind() == ErrorKind.AUTH || e.kind() == ErrorKind.QUOTA) {
                // A refused signed URL (expired, say) says nothing about the key: inline the file instead.
                throw new ProviderException(ErrorKind.TRANSIENT, e.getMessage(), e);
            }
            throw e;
        }
        return answer.fileUrl();
    }

    private static URI uri(String url) throws ProviderException {
        try {
            URI u = new URI(url);
            if (u.getScheme() == null || u.getHost() == null) {
                throw new java.net.URISyntaxException(url, "not an absolute URL");
            }
            return u;
        } catch (java.net.URISyntaxException e) {
            throw new ProviderException(ErrorKind.TRANSIENT, "fal: the storage gave a malformed upload URL");
        }
    }
}
