package dev.acp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image build's health-check step on a small OCI image layout made by the system's tar (as
 * Jib lays one out): the configuration gains the health check, digests and sizes agree all the
 * way up, the layer is untouched, and tar itself reads the result.
 */
class OciHealthcheckTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path blob(Path layout, byte[] bytes) throws Exception {
        String digest = OciHealthcheck.digest(bytes);
        Path file = layout.resolve(OciHealthcheck.blobName(digest));
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
        return file;
    }

    private static void tar(Path cwd, String... args) throws Exception {
        Process p = new ProcessBuilder(List.of(args)).directory(cwd.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    @Test
    void the_configuration_gains_the_health_check_and_every_digest_follows() throws Exception {
        Path layout = Files.createDirectories(dir.resolve("layout"));
        byte[] layer = new byte[1_500_000]; // above the size read into memory: streamed through
        new java.util.Random(7).nextBytes(layer);
        String layerDigest = OciHealthcheck.digest(layer);
        blob(layout, layer);
        byte[] config = """
                {"architecture":"amd64","os":"linux","config":{"User":"10001:10001","Cmd":["serve"]},\
                "rootfs":{"type":"layers","diff_ids":["%s"]}}""".formatted(layerDigest).getBytes(StandardCharsets.UTF_8);
        blob(layout, config);
        byte[] manifest = """
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",\
                "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%d},\
                "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%d}]}"""
                .formatted(OciHealthcheck.digest(config), config.length, layerDigest, layer.length)
                .getBytes(StandardCharsets.UTF_8);
        blob(layout, manifest);
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Files.writeString(layout.resolve("index.json"), """
                {"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json",\
                "digest":"%s","size":%d,"annotations":{"org.opencontainers.image.ref.name":"acp:1"}}]}"""
                .formatted(OciHealthcheck.digest(manifest), manifest.length));
        Path image = dir.resolve("image.tar");
        tar(layout, "tar", "-cf", image.toString(), "oci-layout", "index.json", "blobs");

        OciHealthcheck.addHealthcheck(image);

        Path out = Files.createDirectories(dir.resolve("out"));
        tar(out, "tar", "-xf", image.toString()); // tar accepts the rewritten headers and checksums
        JsonNode index = JSON.readTree(out.resolve("index.json").toFile());
        JsonNode ref = index.get("manifests").get(0);
        assertThat(ref.get("annotations").get("org.opencontainers.image.ref.name").asText()).isEqualTo("acp:1");
        byte[] newManifest = Files.readAllBytes(out.resolve(OciHealthcheck.blobName(ref.get("digest").asText())));
        assertThat(OciHealthcheck.digest(newManifest)).isEqualTo(ref.get("digest").asText());
        assertThat(newManifest.length).isEqualTo(ref.get("size").asInt());
        JsonNode m = JSON.readTree(newManifest);
        byte[] newConfig = Files.readAllBytes(out.resolve(OciHealthcheck.blobName(m.get("config").get("digest")
                .asText())));
        assertThat(OciHealthcheck.digest(newConfig)).isEqualTo(m.get("config").get("digest").asText());
        assertThat(newConfig.length).isEqualTo(m.get("config").get("size").asInt());
        JsonNode c = JSON.readTree(newConfig).get("config");
        assertThat(c.get("User").asText()).isEqualTo("10001:10001");
        assertThat(c.get("Healthcheck").get("Test").toString()).isEqualTo("[\"CMD-SHELL\",\"curl -fsS -o /dev/null"
                + " http://127.0.0.1:8080/health/ready || exit 1\"]");
        assertThat(c.get("Healthcheck").get("Interval").asLong()).isEqualTo(30_000_000_000L);
        assertThat(Files.readAllBytes(out.resolve(OciHealthcheck.blobName(layerDigest)))).isEqualTo(layer);
        // The old configuration and manifest are gone: nothing names them any more.
        assertThat(out.resolve(OciHealthcheck.blobName(OciHealthcheck.digest(config)))).doesNotExist();
        assertThat(out.resolve(OciHealthcheck.blobName(OciHealthcheck.digest(manifest)))).doesNotExist();
        try (var blobs = Files.list(out.resolve("blobs/sha256"))) {
            assertThat(blobs.count()).isEqualTo(3);
        }
    }
}
