package dev.acp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The container image {@code ./mvnw -Pimage package} built (OCI image layout in a tar): its
 * configuration runs {@code acp serve} on all addresses as a user other than root, exposes 8080
 * and keeps ACP_HOME in a volume, and checks its health on {@code /health/ready} as the
 * Dockerfile does (written by {@link OciHealthcheck} after Jib). Runs only in
 * that profile (named *Check so the default build's surefire never picks it up).
 */
@EnabledIfSystemProperty(named = "acp.image.tar", matches = ".+")
class ImageConfigCheck {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static JsonNode image;

    @BeforeAll
    static void read() throws IOException {
        Map<String, byte[]> small = smallEntries(Path.of(System.getProperty("acp.image.tar")));
        JsonNode index = JSON.readTree(small.get("index.json"));
        JsonNode manifest = JSON.readTree(blob(small, index.get("manifests").get(0).get("digest").asText()));
        assertThat(manifest.get("mediaType").asText()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
        image = JSON.readTree(blob(small, manifest.get("config").get("digest").asText()));
    }

    @Test
    void runs_as_an_unprivileged_user() {
        String user = image.get("config").get("User").asText();
        assertThat(user).isNotEmpty().isNotEqualTo("root").doesNotStartWith("0:").isNotEqualTo("0");
        assertThat(user).isEqualTo("10001:10001");
    }

    @Test
    void starts_the_server_on_all_addresses() {
        JsonNode c = image.get("config");
        assertThat(c.get("Entrypoint").get(0).asText()).isEqualTo("java");
        assertThat(c.get("Entrypoint").toString()).contains("dev.acp.cli.Main");
        assertThat(c.get("Cmd").toString()).isEqualTo("[\"serve\",\"--host\",\"0.0.0.0\"]");
    }

    @Test
    void exposes_8080_and_keeps_acp_home_in_a_volume() {
        JsonNode c = image.get("config");
        assertThat(c.get("ExposedPorts").has("8080/tcp")).as(c.toString()).isTrue();
        assertThat(c.get("Volumes").has("/var/lib/acp")).isTrue();
        assertThat(c.get("Env").toString()).contains("ACP_HOME=/var/lib/acp");
    }

    @Test
    void checks_its_health_on_health_ready_as_the_dockerfile_does() throws IOException {
        // Jib 3.5.2 writes none in the OCI format; OciHealthcheck adds the Dockerfile's after it.
        JsonNode h = image.get("config").get("Healthcheck");
        assertThat(h).as(image.get("config").toString()).isNotNull();
        assertThat(h.get("Test").get(0).asText()).isEqualTo("CMD-SHELL");
        assertThat(h.get("Test").get(1).asText()).contains("http://127.0.0.1:8080/health/ready");
        assertThat(h.get("Interval").asLong()).isEqualTo(30_000_000_000L);
        String dockerfile = Files.readString(Path.of(System.getProperty("acp.repo", ".."), "Dockerfile"));
        assertThat(dockerfile).contains("HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3")
                .contains(h.get("Test").get(1).asText());
    }

    private static byte[] blob(Map<String, byte[]> entries, String digest) {
        byte[] b = entries.get("blobs/" + digest.replace(':', '/'));
        assertThat(b).as("blob " + digest).isNotNull();
        return b;
    }

    /** The entries of a tar of at most 1 MB each (the layers are skipped), by name. */
    private static Map<String, byte[]> smallEntries(Path tar) throws IOException {
        Map<String, byte[]> out = new HashMap<>();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(tar))) {
            byte[] header = new byte[512];
            while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
                String name = field(header, 0, 100);
                String prefix = field(header, 345, 155);
                if (!prefix.isEmpty()) {
                    name = prefix + "/" + name;
                }
                long size = Long.parseLong(field(header, 124, 12).trim(), 8);
                long padded = (size + 511) / 512 * 512;
                if (size <= 1 << 20) {
                    byte[] body = in.readNBytes((int) size);
                    out.put(name.startsWith("./") ? name.substring(2) : name, body);
                    in.skipNBytes(padded - size);
                } else {
                    in.skipNBytes(padded);
                }
            }
        }
        return out;
    }

    private static String field(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.US_ASCII);
    }
}
