package dev.acp.cache;

import dev.acp.util.Hashing;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.acp.env.Secrets;
import dev.acp.util.AtomicFiles;
import dev.acp.util.JsonMappers;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The content-addressed artifact cache under {@code ACP_HOME/cache}: output files stored once
 * by their SHA-256 ({@code objects/}), step results by their {@link CacheKey} ({@code entries/}),
 * the key parts each pipeline step had on its last run ({@code history/}, to explain why a step
 * ran again), and a log of hits ({@code hits.log}, for the savings). Every file is written under
 * a temporary name and renamed, so several acp processes can share one cache.
 */
public final class ArtifactCache {
    private final Path root;
    private final ObjectMapper json = JsonMappers.objectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private final SingleFlight singleFlight = new SingleFlight();
    private final Secrets secrets;

    public ArtifactCache(Path root) {
        this(root, Secrets.none());
    }

    /**
     * @param secrets values masked in everything the cache writes: a key rendered into a
     *     parameter through {@code {{env.X}}} reaches the key's hash, never a file
     */
    public ArtifactCache(Path root, Secrets secrets) {
        this.root = root;
        this.secrets = secrets;
    }

    public Path root() {
        return root;
    }

    public SingleFlight singleFlight() {
        return singleFlight;
    }

    // ---- entries -------------------------------------------------------------------------------

    /** The entry for {@code key} whose stored output (if any) is still present and intact in size. */
    public Optional<CacheEntry> lookup(String key) {
        Path file = entryFile(key);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            CacheEntry e = readEntry(file);
            if (e.objectSha256() != null && !Files.isRegularFile(objectFile(e.objectSha256()))) {
                return Optional.empty();
            }
            for (SideObject side : e.sideFiles()) {
                // A folder's files are checked as they are restored; its manifest must be here.
                if (!Files.isRegularFile(objectFile(side.sha256()))) {
                    return Optional.empty();
                }
            }
            return Optional.of(e);
        } catch (IOException | RuntimeException e) {
            // A damaged entry is a miss; the next store replaces it.
            return Optional.empty();
        }
    }

    /**
     * Stores a result: the output file's content (copied, so that later edits of the output do
     * not change the cache) and the entry.
     */
    public CacheEntry store(CacheKey key, @Nullable Path output, @Nullable String outputSha256, @Nullable String text,
            String extension, Map<String, Object> metadata, @Nullable BigDecimal cost, boolean deterministic,
            String provider, @Nullable String model, @Nullable Double qualityScore, List<String> requestIds)
            throws IOException {
        return store(key, output, outputSha256, text, extension, metadata, cost, deterministic, provider, model,
                qualityScore, requestIds, Map.of());
    }

    /**
     * Stores a result with its side files: each file or folder (the values, in place under their
     * final names) is stored by content like the output, and the entry lists them, so that a hit
     * restores them all. A side file whose content no longer matches its hash fails the store.
     */
    public CacheEntry store(CacheKey key, @Nullable Path output, @Nullable String outputSha256, @Nullable String text,
            String extension, Map<String, Object> metadata, @Nullable BigDecimal cost, boolean deterministic,
            String provider, @Nullable String model, @Nullable Double qualityScore, List<String> requestIds,
            Map<SideObject, Path> sideFiles) throws IOException {
        String object = null;
        if (output != null) {
            object = outputSha256 != null ? outputSha256 : Hashing.sha256(output);
            storeObject(output, object);
        }
        for (Map.Entry<SideObject, Path> side : sideFiles.entrySet()) {
            if (side.getKey().folder()) {
                storeFolder(side.getValue(), side.getKey().sha256());
            } else {
                storeObject(side.getValue(), side.getKey().sha256());
            }
        }
        CacheEntry e = new CacheEntry(key.hash(), key.parts(), object, text, extension, metadata, cost, deterministic,
                provider, model, qualityScore, requestIds, Instant.now(), List.copyOf(sideFiles.keySet()));
        writeAtomically(entryFile(key.hash()), masked(toMap(e)));
        return e;
    }

    /** Copies a file into {@code objects/} under its content hash, unless it is there already. */
    private void storeObject(Path file, String sha256) throws IOException {
        Path target = objectFile(sha256);
        if (Files.isRegularFile(target)) {
            return;
        }
        Files.createDirectories(target.getParent());
        Path tmp = temporary(target);
        try {
            // Hashed while copied: a file edited since it was hashed must not be stored under a
            // name that promises other content.
            String copied = Hashing.copy(file, tmp);
            if (!copied.equals(sha256)) {
                throw new IOException(file + " changed before it could be cached");
            }
            AtomicFiles.replace(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Stores a folder: each file as an object, then its manifest as the object named by the
     * folder's hash, last, so that the manifest never names a file the cache lacks.
     */
    private void storeFolder(Path folder, String sha256) throws IOException {
        String manifest = Hashing.manifest(folder);
        if (!Hashing.sha256(manifest).equals(sha256)) {
            throw new IOException(folder + " changed before it could be cached");
        }
        for (String line : manifest.split("\n")) {
            if (!line.isEmpty()) {
                storeObject(folder.resolve(line.substring(65)), line.substring(0, 64));
            }
        }
        Path target = objectFile(sha256);
        if (!Files.isRegularFile(target)) {
            writeAtomically(target, manifest.getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * Copies the stored output of {@code entry} to {@code target} (a temporary name of the
     * caller), checking its content on the way.
     *
     * @return false when the object is gone (a concurrent {@code cache clear}) or damaged; a
     *     damaged object is deleted, and the caller treats the entry as a miss
     */
    public boolean restore(CacheEntry entry, Path target) throws IOException {
        if (entry.objectSha256() == null) {
            throw new IllegalArgumentException("entry has no output file");
        }
        return restoreObject(entry.objectSha256(), target);
    }

    /** Like {@link #restore}, for the stored file with this content hash. */
    public boolean restoreObject(String sha256, Path target) throws IOException {
        Path object = objectFile(sha256);
        String copied;
        try {
            copied = Hashing.copy(object, target);
        } catch (NoSuchFileException e) {
            if (Files.exists(object)) {
                throw e; // The target's folder is missing: the caller's problem, not the cache's.
            }
            return false;
        }
        if (!copied.equals(sha256)) {
            Files.deleteIfExists(object);
            Files.deleteIfExists(target);
            return false;
        }
        return true;
    }

    /**
     * Copies a stored side file or folder to {@code target} (a temporary name of the caller,
     * which must not exist yet for a folder), checking every file's content on the way.
     *
     * @return false when something is gone or damaged (damaged objects are deleted); nothing is
     *     left at {@code target} then, and the caller treats the entry as a miss
     */
    public boolean restoreSideFile(SideObject side, Path target) throws IOException {
        if (!side.folder()) {
            return restoreObject(side.sha256(), target);
        }
        Path manifestFile = objectFile(side.sha256());
        String manifest;
        try {
            manifest = Files.readString(manifestFile, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return false;
        } catch (java.nio.charset.CharacterCodingException e) {
            Files.deleteIfExists(manifestFile);
            return false;
        }
        if (!Hashing.sha256(manifest).equals(side.sha256())) {
            Files.deleteIfExists(manifestFile);
            return false;
        }
        Files.createDirectories(target);
        Path root = target.toAbsolutePath().normalize();
        for (String line : manifest.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            Path file = line.length() > 65 ? root.resolve(line.substring(65)).normalize() : root;
            if (file.equals(root) || !file.startsWith(root) || line.charAt(64) != ' ') {
                // Not a manifest the cache wrote: it could name a file outside the folder.
                Files.deleteIfExists(manifestFile);
                dev.acp.provider.SideFile.deleteTree(target);
                return false;
            }
            Files.createDirectories(file.getParent());
            if (!restoreObject(line.substring(0, 64), file)) {
                dev.acp.provider.SideFile.deleteTree(target);
                return false;
            }
        }
        return true;
    }

    /** The stored file with this content hash, if the cache has it. */
    public Optional<Path> object(String sha256) {
        Path p = objectFile(sha256);
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    /** Notes a hit and what it saved, for {@code acp cache stats}. */
    public void recordHit(CacheEntry entry) {
        String line = Instant.now() + " " + entry.key() + " " + (entry.cost() == null ? "0" : entry.cost().toPlainString())
                + "\n";
        try {
            Files.createDirectories(root);
            // One short append per hit; O_APPEND keeps concurrent writers' lines whole.
            Files.writeString(root.resolve("hits.log"), line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            // Statistics are not worth failing a step for.
        }
    }

    // ---- history ---------------------------------------------------------------------------------

    /** The key parts each step of a pipeline had on its last run. */
    public Map<String, Map<String, String>> history(String pipelineId) {
        Path file = root.resolve("history").resolve(pipelineId + ".json");
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        try {
            @SuppressWarnings("unchecked")
            Map<String, Map<String, String>> m = json.readValue(file.toFile(), Map.class);
            return m;
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
    }

    /** Replaces the remembered key parts of the given steps of a pipeline. */
    public synchronized void updateHistory(String pipelineId, Map<String, Map<String, String>> steps) throws IOException {
        if (steps.isEmpty()) {
            return;
        }
        Map<String, Map<String, String>> all = new TreeMap<>(history(pipelineId));
        all.putAll(steps);
        writeAtomically(root.resolve("history").resolve(pipelineId + ".json"), masked(all));
    }

    // ---- maintenance ---------------------------------------------------------------------------

    /** Counts of the cache's contents. */
    public record Stats(long entries, long objects, long bytes, BigDecimal storedValue, long hits, BigDecimal saved) {}

    public Stats stats() throws IOException {
        long entries = 0;
        BigDecimal value = BigDecimal.ZERO;
        for (Path f : files(root.resolve("entries"))) {
            entries++;
            try {
                CacheEntry e = readEntry(f);
                if (e.cost() != null) {
                    value = value.add(e.cost());
                }
            } catch (IOException | RuntimeException e) {
                // A damaged entry counts, but adds no value.
            }
        }
        long objects = 0;
        long bytes = 0;
        for (Path f : files(root.resolve("objects"))) {
            objects++;
            bytes += Files.size(f);
        }
        long hits = 0;
        BigDecimal saved = BigDecimal.ZERO;
        Path log = root.resolve("hits.log");
        if (Files.isRegularFile(log)) {
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                String[] f = line.trim().split(" ");
                if (f.length == 3) {
                    hits++;
                    try {
                        saved = saved.add(new BigDecimal(f[2]));
                    } catch (NumberFormatException e) {
                        // A torn line from a crash adds nothing.
                    }
                }
            }
        }
        return new Stats(entries, objects, bytes, value, hits, saved);
    }

    /** Deletes everything in the cache; returns what there was. */
    public Stats clear() throws IOException {
        Stats before = stats();
        if (Files.isDirectory(root)) {
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    if (!p.equals(root)) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
        return before;
    }

    // ---- files ---------------------------------------------------------------------------------

    private Path entryFile(String key) {
        return root.resolve("entries").resolve(key.substring(0, 2)).resolve(key + ".json");
    }

    private Path objectFile(String sha256) {
        return root.resolve("objects").resolve(sha256.substring(0, 2)).resolve(sha256);
    }

    private static List<Path> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).toList();
        }
    }

    private byte[] masked(Object value) throws IOException {
        String text = json.writeValueAsString(value);
        return (secrets.isEmpty() ? text : secrets.redact(text)).getBytes(StandardCharsets.UTF_8);
    }

    private void writeAtomically(Path target, byte[] bytes) throws IOException {
        Files.createDirectories(target.getParent());
        Path tmp = temporary(target);
        try {
            Files.write(tmp, bytes);
            AtomicFiles.replace(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static Path temporary(Path target) {
        byte[] b = new byte[6];
        ThreadLocalRandom.current().nextBytes(b);
        return target.resolveSibling("." + target.getFileName() + ".partial-" + HexFormat.of().formatHex(b));
    }

    private static Map<String, Object> toMap(CacheEntry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", e.key());
        m.put("parts", new TreeMap<>(e.parts()));
        m.put("object_sha256", e.objectSha256());
        m.put("text", e.text());
        m.put("extension", e.extension());
        m.put("metadata", e.metadata());
        m.put("cost", e.cost() == null ? null : e.cost().toPlainString());
        m.put("deterministic", e.deterministic());
        m.put("provider", e.provider());
        m.put("model", e.model());
        m.put("quality_score", e.qualityScore());
        m.put("request_ids", e.requestIds());
        m.put("created", e.created().toString());
        if (!e.sideFiles().isEmpty()) {
            m.put("side_files", e.sideFiles().stream().map(f -> Map.of("suffix", f.suffix(), "sha256", f.sha256(),
                    "folder", f.folder())).toList());
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    private CacheEntry readEntry(Path file) throws IOException {
        Map<String, Object> m = json.readValue(file.toFile(), Map.class);
        Object cost = m.get("cost");
        Object quality = m.get("quality_score");
        return new CacheEntry((String) m.get("key"), (Map<String, String>) m.getOrDefault("parts", Map.of()),
                (String) m.get("object_sha256"), (String) m.get("text"), (String) m.getOrDefault("extension", ""),
                (Map<String, Object>) m.getOrDefault("metadata", Map.of()),
                cost == null ? null : new BigDecimal(cost.toString()), Boolean.TRUE.equals(m.get("deterministic")),
                (String) m.getOrDefault("provider", ""), (String) m.get("model"),
                quality instanceof Number q ? q.doubleValue() : null,
                (List<String>) m.getOrDefault("request_ids", List.of()), Instant.parse((String) m.get("created")),
                ((List<Map<String, Object>>) m.getOrDefault("side_files", List.of())).stream()
                        .map(f -> new SideObject((String) f.get("suffix"), (String) f.get("sha256"),
                                Boolean.TRUE.equals(f.get("folder"))))
                        .toList());
    }

    /** A stable id for a pipeline file, for its history. */
    public static String pipelineId(Path pipelineFile, String pipelineName) {
        String safe = pipelineName.replaceAll("[^A-Za-z0-9_-]", "_");
        return safe + "-" + Hashing.sha256(pipelineFile.toAbsolutePath().normalize().toString()).substring(0, 12);
    }
}
