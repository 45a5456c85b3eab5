package dev.acp.server;

import dev.acp.util.SafePaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A file named by a client, inside a folder it must not leave: each segment is decoded on its
 * own (so {@code %2F} and {@code %2e%2e} are names, then refused as such), {@code .}, {@code ..},
 * empty names, backslashes and NULs are refused, and no segment may be a symbolic link
 * ({@link SafePaths#firstLinkBelow}); finally the file's real path must lie in the folder's.
 */
final class ConfinedFiles {
    private ConfinedFiles() {}

    /** The regular file {@code rawPath} (percent-encoded, '/'-separated) names under {@code root}, if it is one. */
    static Optional<Path> find(Path root, String rawPath) {
        List<String> names = new ArrayList<>();
        for (String raw : rawPath.split("/", -1)) {
            String name = PercentDecoding.decode(raw);
            if (name.isEmpty() || name.equals(".") || name.equals("..") || name.contains("/") || name.contains("\\")
                    || name.indexOf('\0') >= 0) {
                return Optional.empty();
            }
            names.add(name);
        }
        return find(root, names);
    }

    /** The same for a name given in a JSON body ({@code pipeline_file}): '/'-separated, not encoded. */
    static Optional<Path> findPlain(Path root, String path) {
        List<String> names = new ArrayList<>();
        for (String name : path.split("/", -1)) {
            if (name.isEmpty() || name.equals(".") || name.equals("..") || name.contains("\\")
                    || name.indexOf('\0') >= 0) {
                return Optional.empty();
            }
            names.add(name);
        }
        return find(root, names);
    }

    private static Optional<Path> find(Path root, List<String> names) {
        try {
            Path base = root.toAbsolutePath().normalize();
            Path file = base;
            for (String n : names) {
                file = file.resolve(n);
            }
            file = file.normalize();
            if (!file.startsWith(base) || file.equals(base)) {
                return Optional.empty();
            }
            if (SafePaths.firstLinkBelow(base, file).isPresent()
                    || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty();
            }
            // Links above the root are the owner's choice; below it nothing may lead out.
            if (!file.toRealPath().startsWith(base.toRealPath())) {
                return Optional.empty();
            }
            return Optional.of(file);
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
