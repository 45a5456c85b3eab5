package dev.acp.plan;

import dev.acp.util.SafePaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The output folder as one planning sees it: each sub-folder is looked at once, however many
 * steps write into it, and each output file with one read of its attributes. (Asking again for
 * every step, with a missing file answered by an exception inside the JDK, was most of the cost
 * of planning a 10,000-step pipeline.) Planning only advises: the write itself checks again
 * ({@link SafePaths#checkPlacement}), so a link made after validation is still refused.
 */
final class OutputTree {
    /** What is at a path below the output folder, links not followed. */
    private sealed interface Entry {}

    private record Missing() implements Entry {}

    private record Folder() implements Entry {}

    private record File() implements Entry {}

    /** The path is, or lies below, this symbolic link. */
    private record Link(Path link) implements Entry {}

    private static final Entry MISSING = new Missing();
    private static final Entry FOLDER = new Folder();
    private static final Entry FILE = new File();

    private final Path root;
    private final Map<Path, Entry> folders = new HashMap<>();

    /** @param root the output folder at its real location (its own links are checked elsewhere) */
    OutputTree(Path root) {
        this.root = root.toAbsolutePath().normalize();
        folders.put(this.root, look(this.root) instanceof Folder ? FOLDER : MISSING);
    }

    /** Why {@code output} cannot be written, or empty. */
    Optional<OutputFolders.Finding> check(Path output) {
        Path p = output.toAbsolutePath().normalize();
        if (!p.startsWith(root) || p.equals(root)) {
            return Optional.of(new OutputFolders.Finding("the output " + output + " is outside the output folder "
                    + root, "use a relative output_filename without '..'"));
        }
        Entry where = folder(p.getParent());
        return switch (where instanceof Folder ? look(p) : where) {
            case Missing m -> Optional.empty();
            case File f -> Optional.empty(); // the last run's output, replaced
            case Folder f -> Optional.of(new OutputFolders.Finding("a folder already exists where the output goes ("
                    + output + ")", "choose another output_filename or move the folder"));
            case Link l -> Optional.of(new OutputFolders.Finding((l.link().equals(p) ? "the output file "
                    : "the folder ") + root.relativize(l.link()) + " in the output folder is a symbolic link (to "
                    + SafePaths.linkTarget(l.link()) + "); outputs are never written through a link",
                    "remove the link, or choose an output_filename that does not go through it"));
        };
    }

    /** A folder at or below the root: missing, a folder, or through a link. */
    private Entry folder(Path dir) {
        Entry known = folders.get(dir);
        if (known != null) {
            return known;
        }
        Entry e = switch (folder(dir.getParent())) {
            case Missing m -> MISSING; // nothing below a missing folder exists yet
            case File f -> MISSING;
            case Link l -> l;
            // A file where a folder should be is left to the write, which fails with its own message.
            case Folder f -> {
                Entry here = look(dir);
                yield here instanceof File ? MISSING : here;
            }
        };
        folders.put(dir, e);
        return e;
    }

    /** One look at {@code p}, links not followed; the usual answer for a new output is "missing". */
    private static Entry look(Path p) {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return MISSING;
        }
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return MISSING;
        } catch (IOException e) {
            return FILE;
        }
        return a.isSymbolicLink() ? new Link(p) : a.isDirectory() ? FOLDER : FILE;
    }
}
