package dev.acp.engine;

import dev.acp.cache.CacheEntry;
import dev.acp.cache.SideObject;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import dev.acp.provider.SideFile;
import dev.acp.util.AtomicFiles;
import dev.acp.util.Hashing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Where one task's output is written and how it gets its final name: a hidden temporary name
 * beside the target (same file system, so the rename is atomic), side files checked and renamed
 * before the main output, paid outputs synced to disk, and, when the step ends, nothing left
 * behind under a temporary name except a paid result that could not be placed (named in the
 * report).
 */
final class OutputPlacer {
    private final StepRun s;
    private final LazyScratch scratch;
    private @Nullable Path tmp;
    /** Set once the temporary file is renamed into place, or kept on purpose: it is not deleted. */
    private boolean tmpDone;
    /**
     * Where this step's attempts were told to write side files ({@link SideFile#written()}): what
     * is still there when the step ends was never placed, and is deleted. Providers may ask from
     * threads of their own.
     */
    private final Set<Path> sideFilesHandedOut = ConcurrentHashMap.newKeySet();

    /** What a result left in place: the output (or null when it had none), its hash, its side files. */
    record Placed(@Nullable Path output, @Nullable String sha256, List<WrittenSideFile> sides) {}

    OutputPlacer(StepRun s) {
        this.s = s;
        this.scratch = new LazyScratch(s.base.id());
    }

    /** A fresh temporary name for this attempt's output: {@code .name.partial-<run>-<attempt>.ext}. */
    Path newTemporary() {
        Path target = s.t.outputPath();
        String name = target.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot <= 0 ? name : name.substring(0, dot);
        String ext = dot <= 0 ? "" : name.substring(dot);
        tmp = target.resolveSibling("." + stem + ".partial-" + s.x.request.runId() + "-" + s.attempt + ext);
        return tmp;
    }

    /** Deletes what a failed attempt wrote under the temporary name. */
    void discardTemporary() {
        deleteQuietly(tmp);
    }

    Path scratchDirectory() {
        return scratch.get();
    }

    void sideFileHandedOut(SideFile file) {
        sideFilesHandedOut.add(file.written());
    }

    /**
     * Puts a provider's result in place: its side files first, then the main file or text, synced
     * to disk when it was paid for.
     */
    Placed place(ProviderResult result, @Nullable ProviderRequest request, boolean paid)
            throws IOException, ProviderException {
        List<WrittenSideFile> sides = placeSideFiles(result, request, paid);
        Path output;
        String sha = null;
        if (result.wroteFile()) {
            if (tmp == null || !Files.isRegularFile(tmp) || Files.size(tmp) == 0) {
                throw new ProviderException(ErrorKind.INTERNAL, "provider '" + s.provider.id()
                        + "' reported an output file but wrote nothing");
            }
            // Hashed by the provider as it wrote the file, or read back here.
            sha = result.outputSha256() != null ? result.outputSha256() : Hashing.sha256(tmp);
            AtomicFiles.moveIntoPlace(tmp, s.t.outputPath());
            output = s.t.outputPath();
        } else if (result.text() != null) {
            output = writeText(result.text());
            sha = Hashing.sha256(result.text());
        } else {
            output = null;
        }
        if (paid && output != null) {
            // A paid output must survive a power loss once the journal says it exists.
            AtomicFiles.sync(output);
        }
        // Renamed into place, or never written (a result with no output): nothing to clean up.
        tmpDone = true;
        return new Placed(output, sha, sides);
    }

    /**
     * After a result could not be placed: keeps what the provider wrote (and its side files) where
     * it is, so that nothing paid for disappears. Returns the kept file, or null when there is none.
     */
    @Nullable Path keepUnplaced() {
        sideFilesHandedOut.clear();
        tmpDone = tmp != null && Files.exists(tmp);
        return tmpDone ? tmp : null;
    }

    /** Writes a text output through the temporary name; returns its final name. */
    Path writeText(String text) throws IOException {
        Path file = tmp == null ? newTemporary() : tmp;
        Files.writeString(file, text, StandardCharsets.UTF_8);
        AtomicFiles.moveIntoPlace(file, s.t.outputPath());
        tmpDone = true;
        return s.t.outputPath();
    }

    /** Renames a file restored under the temporary name into place; returns its final name. */
    Path moveIntoPlace() throws IOException {
        AtomicFiles.moveIntoPlace(tmp, s.t.outputPath());
        tmpDone = true;
        return s.t.outputPath();
    }

    /**
     * Checks the side files a provider listed and renames them into place, before the main
     * output: once the output is under its final name, so are they. Returns them with their
     * content hashes, for the journal and the cache.
     */
    private List<WrittenSideFile> placeSideFiles(ProviderResult result, @Nullable ProviderRequest request,
            boolean paid) throws IOException, ProviderException {
        if (result.sideFiles().isEmpty()) {
            return List.of();
        }
        if (!result.wroteFile() && result.text() == null) {
            throw new ProviderException(ErrorKind.INTERNAL, "provider '" + s.provider.id()
                    + "' reported side files without a main output");
        }
        Set<String> suffixes = new HashSet<>();
        for (SideFile f : result.sideFiles()) {
            if (request == null || !f.equals(request.sideFile(f.suffix())) || !suffixes.add(f.suffix())) {
                throw new ProviderException(ErrorKind.INTERNAL, "provider '" + s.provider.id() + "' reported a side"
                        + " file it did not get from ProviderRequest.sideFile (or twice): " + f.target());
            }
            if (!Files.exists(f.written())) {
                throw new ProviderException(ErrorKind.INTERNAL, "provider '" + s.provider.id()
                        + "' reported the side file " + f.target() + " but wrote nothing");
            }
        }
        List<WrittenSideFile> placed = new ArrayList<>();
        for (SideFile f : result.sideFiles()) {
            boolean folder = f.folder();
            String sha = Hashing.sha256OfFileOrFolder(f.written());
            f.moveIntoPlace();
            if (paid && !folder) {
                AtomicFiles.sync(f.target());
            }
            placed.add(new WrittenSideFile(f.target(), new SideObject(f.suffix(), sha, folder)));
        }
        return List.copyOf(placed);
    }

    /**
     * Restores a cache entry's side files beside the output, named after this step's output,
     * each through a temporary name (checked on the way) and then renamed into place. Returns
     * null, with nothing placed, when one of them is gone or damaged: the entry is a miss.
     */
    @Nullable List<WrittenSideFile> restoreSideFiles(CacheEntry e) throws IOException {
        if (e.sideFiles().isEmpty()) {
            return List.of();
        }
        List<SideFile> restored = new ArrayList<>();
        for (SideObject side : e.sideFiles()) {
            SideFile f = SideFile.of(tmp, s.t.outputPath(), side.suffix());
            sideFilesHandedOut.add(f.written());
            SideFile.deleteTree(f.written());
            if (!s.x.request.cache().restoreSideFile(side, f.written())) {
                for (SideFile r : restored) {
                    SideFile.deleteTree(r.written());
                }
                SideFile.deleteTree(f.written());
                return null;
            }
            restored.add(f);
        }
        List<WrittenSideFile> placed = new ArrayList<>();
        for (int i = 0; i < restored.size(); i++) {
            restored.get(i).moveIntoPlace();
            placed.add(new WrittenSideFile(restored.get(i).target(), e.sideFiles().get(i)));
        }
        return List.copyOf(placed);
    }

    /**
     * Deletes what the step wrote and never placed: the temporary output, side files of failed or
     * cancelled attempts (a placed one is no longer at its written name), the scratch directory.
     */
    void cleanUp() {
        if (!tmpDone) {
            deleteQuietly(tmp);
        }
        for (Path p : sideFilesHandedOut) {
            try {
                SideFile.deleteTree(p);
            } catch (IOException | RuntimeException e) {
                // Hidden leftovers are clutter, never a final name.
            }
        }
        scratch.delete();
    }

    private static void deleteQuietly(@Nullable Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // The temporary name never becomes a final output; a leftover is only clutter.
            }
        }
    }
}
