package dev.acp.local.process;

import dev.acp.env.Environment;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Finds programs on the {@code PATH} of an injected environment. */
public final class Executables {
    private Executables() {}

    /**
     * The first executable file called {@code name} (or {@code name.exe} on Windows) in the
     * folders of the environment's {@code PATH}. Empty entries, which a shell would read as the
     * current folder, are skipped on purpose: a provider must not run whatever lies in the
     * folder it was started from.
     */
    public static Optional<Path> findOnPath(Environment environment, String name) {
        String path = environment.get("PATH").orElse("");
        boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
        List<String> candidates = windows ? List.of(name + ".exe", name) : List.of(name);
        for (String folder : path.split(File.pathSeparator)) {
            if (folder.isBlank()) {
                continue;
            }
            for (String candidate : candidates) {
                try {
                    Path file = Path.of(folder).resolve(candidate);
                    if (Files.isRegularFile(file) && Files.isExecutable(file)) {
                        return Optional.of(file.toAbsolutePath());
                    }
                } catch (InvalidPathException ignored) {
                    // A malformed PATH entry cannot contain the program; look at the next one.
                }
            }
        }
        return Optional.empty();
    }
}
