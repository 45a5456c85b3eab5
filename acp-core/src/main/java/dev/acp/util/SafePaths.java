package dev.acp.util;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Keeps outputs where they belong: inside their output folder, never through a symbolic link.
 * A link in the output folder ({@code out/link -> /outside}) would otherwise let
 * {@code output_filename: link/x.png} write {@code /outside/x.png}.
 *
 * <p>The planner resolves the output folder to its real location once ({@link #real}), so links
 * above it (a home folder on another disk, macOS's {@code /tmp}) are settled before anything is
 * written, and refuses links below it. At write time {@link #checkPlacement} then needs no root:
 * an output's folder must be its own real path, which fails whenever a link has appeared in it
 * since validation.
 */
public final class SafePaths {
    private SafePaths() {}

    /**
     * The first part of {@code path} below {@code root} (or {@code path} itself) that exists and
     * is a symbolic link; empty when there is none. {@code path} must lie inside {@code root}.
     */
    public static Optional<Path> firstLinkBelow(Path root, Path path) {
        Path r = root.toAbsolutePath().normalize();
        Path p = path.toAbsolutePath().normalize();
        if (!p.startsWith(r)) {
            throw new IllegalArgumentException(p + " is not inside " + r);
        }
        Path current = r;
        for (Path part : r.relativize(p)) {
            if (part.toString().isEmpty()) {
                continue;
            }
            current = current.resolve(part);
            BasicFileAttributes a = attributesIfExists(current);
            if (a == null) {
                return Optional.empty(); // nothing below a missing folder exists yet
            }
            if (a.isSymbolicLink()) {
                return Optional.of(current);
            }
        }
        return Optional.empty();
    }

    /**
     * Where {@code path} really is: the real path of its deepest existing ancestor (every link
     * in it resolved) followed by the parts that do not exist yet, as written.
     */
    public static Path real(Path path) {
        Path p = path.toAbsolutePath().normalize();
        Path existing = p;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return p;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(p)).normalize();
        } catch (IOException e) {
            return p; // unreadable on the way: the checks and the writes report it with the path
        }
    }

    /** Where a symbolic link points, for messages; "?" when it cannot be read. */
    public static String linkTarget(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return "?";
        }
    }

    /**
     * Creates {@code dir} and the folders above it up to {@code root}, one at a time and without
     * following links: an existing symbolic link on the way is refused, not entered.
     *
     * @throws IOException naming the link, or why a folder could not be made
     */
    public static void createFolders(Path root, Path dir) throws IOException {
        Path r = root.toAbsolutePath().normalize();
        Path d = dir.toAbsolutePath().normalize();
        if (!d.startsWith(r)) {
            throw new IOException(d + " is outside the output folder " + r);
        }
        Files.createDirectories(r);
        Path current = r;
        for (Path part : r.relativize(d)) {
            if (part.toString().isEmpty()) {
                continue;
            }
            current = current.resolve(part);
            try {
                Files.createDirectory(current); // never follows a link at this name: it fails on one
            } catch (FileAlreadyExistsException e) {
                // Either a folder (fine) or something that must not be entered.
            }
            if (Files.isSymbolicLink(current)) {
                throw new IOException(linkMessage(current));
            }
            if (!Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
                throw new FileSystemException(current.toString(), null, "a file is in the way of a folder");
            }
        }
    }

    /**
     * The check of {@link AtomicFiles#moveIntoPlace}: {@code target}'s folder is reached through
     * no symbolic link (it is its own real path) and {@code target} is not a link to a folder.
     * When the check fails {@code source} is deleted, since it was written wherever the link
     * leads, and nothing is moved.
     *
     * @throws IOException naming the link
     */
    static void checkPlacement(Path source, Path target) throws IOException {
        Path t = target.toAbsolutePath().normalize();
        Path folder = t.getParent();
        String problem = null;
        if (folder != null) {
            Path real;
            try {
                real = folder.toRealPath();
            } catch (IOException e) {
                real = folder; // a missing folder fails the move itself, with its own message
            }
            if (!real.equals(folder)) {
                Path link = firstLinkOnPath(folder);
                problem = link != null ? linkMessage(link)
                        : "the folder " + folder + " is reached through a symbolic link (it is really " + real + ")";
            }
        }
        BasicFileAttributes there = problem == null ? attributesIfExists(t) : null;
        if (there != null && there.isSymbolicLink() && Files.isDirectory(t)) {
            problem = linkMessage(t);
        }
        if (problem != null) {
            try {
                Files.deleteIfExists(source);
            } catch (IOException e) {
                // Hidden partial names only; the refusal below is what matters.
            }
            throw new FileSystemException(target.toString(), null, problem + "; outputs are never written through"
                    + " a link, and this one was not kept");
        }
    }

    /**
     * What is at {@code p}, links not followed, or null when nothing is (or it cannot be read).
     * Unlike {@link Files#isSymbolicLink}, a missing file costs no exception inside the JDK: the
     * usual answer for an output about to be written, once per step.
     */
    private static @Nullable BasicFileAttributes attributesIfExists(Path p) {
        try {
            return p.getFileSystem().provider().readAttributesIfExists(p, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return null;
        }
    }

    private static Path firstLinkOnPath(Path absolute) {
        Path current = absolute.getRoot();
        if (current == null) {
            return null;
        }
        for (Path part : absolute) {
            current = current.resolve(part);
            if (Files.isSymbolicLink(current)) {
                return current;
            }
        }
        return null;
    }

    private static String linkMessage(Path link) {
        return link + " is a symbolic link (to " + linkTarget(link) + ")";
    }
}
