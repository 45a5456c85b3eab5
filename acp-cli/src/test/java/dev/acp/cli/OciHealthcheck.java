package dev.acp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A build step of {@code ./mvnw -Pimage package}, run after Jib: writes the Dockerfile's
 * {@code HEALTHCHECK} into the image configuration of the OCI tarball Jib made, since Jib 3.5.2
 * writes none in the OCI format (and drops the base image's). Docker and Podman honour a
 * {@code Healthcheck} object in the configuration whatever the format says. The configuration
 * blob is rewritten, so its digest changes, and with it the manifest that names it, whose digest
 * and size change in {@code index.json} (and in {@code manifest.json}, when there is one). Every
 * other entry, the layers included, is copied byte for byte; the tarball is replaced only when
 * the new one is complete.
 *
 * <p>Usage: {@code OciHealthcheck IMAGE.tar}. In the build's test sources: a tool of the build,
 * not of {@code acp.jar}.
 */
public final class OciHealthcheck {
    /** The Dockerfile's HEALTHCHECK, in the image configuration's terms (durations in nanoseconds). */
    static final Map<String, Object> HEALTHCHECK = healthcheck();

    private static final ObjectMapper JSON = new ObjectMapper();

    private OciHealthcheck() {}

    private static Map<String, Object> healthcheck() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("Test", java.util.List.of("CMD-SHELL",
                "curl -fsS -o /dev/null http://127.0.0.1:8080/health/ready || exit 1"));
        h.put("Interval", 30_000_000_000L);
        h.put("Timeout", 5_000_000_000L);
        h.put("StartPeriod", 20_000_000_000L);
        h.put("Retries", 3);
        return h;
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: OciHealthcheck IMAGE.tar");
            System.exit(2);
        }
        Path tar = Path.of(args[0]);
        String digest = addHealthcheck(tar);
        System.out.println("image: health check on /health/ready written into " + tar + " (manifest " + digest + ")");
    }

    /** Rewrites {@code tar} in place; returns the new manifest digest. */
    static String addHealthcheck(Path tar) throws IOException {
        Map<String, byte[]> small = Tar.smallEntries(tar);
        byte[] indexBytes = required(small, "index.json");
        ObjectNode index = (ObjectNode) JSON.readTree(indexBytes);
        ObjectNode manifestRef = (ObjectNode) index.get("manifests").get(0);
        String oldManifest = manifestRef.get("digest").asText();
        ObjectNode manifest = (ObjectNode) JSON.readTree(required(small, blobName(oldManifest)));
        ObjectNode configRef = (ObjectNode) manifest.get("config");
        String oldConfig = configRef.get("digest").asText();
        ObjectNode config = (ObjectNode) JSON.readTree(required(small, blobName(oldConfig)));

        ObjectNode runConfig = config.has("config") && config.get("config").isObject()
                ? (ObjectNode) config.get("config") : config.putObject("config");
        runConfig.set("Healthcheck", JSON.valueToTree(HEALTHCHECK));
        byte[] newConfig = JSON.writeValueAsBytes(config);
        String newConfigDigest = digest(newConfig);
        configRef.put("digest", newConfigDigest);
        configRef.put("size", newConfig.length);
        byte[] newManifest = JSON.writeValueAsBytes(manifest);
        String newManifestDigest = digest(newManifest);
        manifestRef.put("digest", newManifestDigest);
        manifestRef.put("size", newManifest.length);
        byte[] newIndex = JSON.writeValueAsBytes(index);

        Map<String, byte[]> replaced = new LinkedHashMap<>();
        replaced.put("index.json", newIndex);
        replaced.put(blobName(oldConfig), newConfig);
        replaced.put(blobName(oldManifest), newManifest);
        Map<String, String> renamed = Map.of(blobName(oldConfig), blobName(newConfigDigest), blobName(oldManifest),
                blobName(newManifestDigest));
        byte[] dockerManifest = small.get("manifest.json");
        if (dockerManifest != null) {
            // docker load reads this one: it names the configuration by its blob path.
            ArrayNode m = (ArrayNode) JSON.readTree(dockerManifest);
            for (JsonNode entry : m) {
                if (entry.path("Config").asText().equals(blobName(oldConfig))) {
                    ((ObjectNode) entry).put("Config", blobName(newConfigDigest));
                }
            }
            replaced.put("manifest.json", JSON.writeValueAsBytes(m));
        }
        Path tmp = tar.resolveSibling(tar.getFileName() + ".tmp");
        Tar.copyReplacing(tar, tmp, replaced, renamed);
        Files.move(tmp, tar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return newManifestDigest;
    }

    static String blobName(String digest) {
        return "blobs/" + digest.replace(':', '/');
    }

    static String digest(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] required(Map<String, byte[]> entries, String name) {
        byte[] b = entries.get(name);
        if (b == null) {
            throw new IllegalArgumentException("the image has no " + name + "; is it an OCI image layout tar?");
        }
        return b;
    }

    /** Just enough of the ustar format for an image tarball: regular files, names up to 100 characters or with a prefix. */
    static final class Tar {
        private Tar() {}

        /** The entries of at most 1 MB (the layers are skipped), by name without a leading "./". */
        static Map<String, byte[]> smallEntries(Path tar) throws IOException {
            Map<String, byte[]> out = new LinkedHashMap<>();
            try (InputStream in = new BufferedInputStream(Files.newInputStream(tar))) {
                byte[] header = new byte[512];
                while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
                    String name = name(header);
                    long size = size(header);
                    long padded = (size + 511) / 512 * 512;
                    if (size <= 1 << 20) {
                        out.put(name, in.readNBytes((int) size));
                        in.skipNBytes(padded - size);
                    } else {
                        in.skipNBytes(padded);
                    }
                }
            }
            return out;
        }

        /**
         * Copies {@code from} to {@code to}, with the bodies of {@code replaced} entries swapped
         * (and their names changed as {@code renamed} says); everything else byte for byte.
         */
        static void copyReplacing(Path from, Path to, Map<String, byte[]> replaced, Map<String, String> renamed)
                throws IOException {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(from));
                    OutputStream out = new BufferedOutputStream(Files.newOutputStream(to))) {
                byte[] header = new byte[512];
                while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
                    String name = name(header);
                    long size = size(header);
                    long padded = (size + 511) / 512 * 512;
                    byte[] body = replaced.get(name);
                    if (body == null) {
                        out.write(header);
                        copy(in, out, padded);
                        continue;
                    }
                    in.skipNBytes(padded);
                    String newName = renamed.getOrDefault(name, name);
                    boolean dotted = new String(header, 0, 2, StandardCharsets.US_ASCII).equals("./");
                    byte[] h = header.clone();
                    java.util.Arrays.fill(h, 0, 100, (byte) 0);
                    java.util.Arrays.fill(h, 345, 500, (byte) 0); // no prefix: blob names are short
                    byte[] n = ((dotted ? "./" : "") + newName).getBytes(StandardCharsets.US_ASCII);
                    if (n.length > 100) {
                        throw new IOException("entry name too long for a plain tar header: " + newName);
                    }
                    System.arraycopy(n, 0, h, 0, n.length);
                    System.arraycopy("ustar\u000000".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 8);
                    byte[] sz = String.format("%011o\0", body.length).getBytes(StandardCharsets.US_ASCII);
                    System.arraycopy(sz, 0, h, 124, 12);
                    java.util.Arrays.fill(h, 148, 156, (byte) ' ');
                    long sum = 0;
                    for (byte b : h) {
                        sum += b & 0xff;
                    }
                    byte[] ck = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
                    System.arraycopy(ck, 0, h, 148, 8);
                    out.write(h);
                    out.write(body);
                    out.write(new byte[(int) ((body.length + 511L) / 512 * 512 - body.length)]);
                }
                out.write(new byte[1024]); // the end of the archive
            }
        }

        private static void copy(InputStream in, OutputStream out, long n) throws IOException {
            byte[] buf = new byte[1 << 16];
            long left = n;
            while (left > 0) {
                int r = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (r < 0) {
                    throw new IOException("the tar ends inside an entry");
                }
                out.write(buf, 0, r);
                left -= r;
            }
        }

        private static String name(byte[] header) {
            String name = field(header, 0, 100);
            String prefix = field(header, 345, 155);
            if (!prefix.isEmpty()) {
                name = prefix + "/" + name;
            }
            return name.startsWith("./") ? name.substring(2) : name;
        }

        private static long size(byte[] header) {
            return Long.parseLong(field(header, 124, 12).trim(), 8);
        }

        private static String field(byte[] header, int offset, int length) {
            int end = offset;
            while (end < offset + length && header[end] != 0) {
                end++;
            }
            return new String(header, offset, end - offset, StandardCharsets.US_ASCII);
        }
    }
}
