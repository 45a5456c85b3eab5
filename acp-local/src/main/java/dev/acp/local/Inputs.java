package dev.acp.local;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/** Input files named by parameters: {@code image}, or its aliases {@code image_path} and {@code image_url}. */
final class Inputs {
    static final String[] IMAGE_NAMES = {"image", "image_path", "image_url"};

    private Inputs() {}

    /**
     * The input image as a path. A {@code file:} URL is turned into a path; a web URL is refused,
     * because the local provider works offline. At validation the path is not required to exist
     * (an earlier step may produce it).
     */
    static Optional<Path> image(Params params, String capability) {
        for (String name : IMAGE_NAMES) {
            if (!params.has(name)) {
                continue;
            }
            if (params.isDeferred(name)) {
                return Optional.empty();
            }
            Optional<String> value = params.text(name);
            if (value.isEmpty()) {
                continue;
            }
            String v = value.get().strip();
            String lower = v.toLowerCase(Locale.ROOT);
            if (lower.startsWith("http://") || lower.startsWith("https://") || lower.startsWith("data:")) {
                params.issue(name, "the local provider works offline and cannot fetch " + abbreviate(v),
                        "download the file and set " + name + " to its path, or use a cloud provider for this step");
                return Optional.empty();
            }
            try {
                Path path = lower.startsWith("file:") ? Path.of(URI.create(v)) : Path.of(v);
                return Optional.of(path.toAbsolutePath());
            } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
                params.issue(name, name + " is not a valid file path: " + abbreviate(v), "set " + name + " to the path of an image file");
                return Optional.empty();
            }
        }
        if (!java.util.Arrays.stream(IMAGE_NAMES).anyMatch(params::isDeferred)) {
            params.issue("image", capability + " needs an input image", "set config.image to the path of an image file"
                    + " (for example {{steps.<id>.output}})");
        }
        return Optional.empty();
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 59) + "…";
    }
}
