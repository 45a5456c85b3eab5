package dev.acp.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The starter projects of {@code acp init --template}: pipeline files (and, for the story, the
 * sample story) stored as resources under {@code dev/acp/cli/templates/}. The story template is
 * the README's {@code examples/story-to-video.yaml}, copied in by the build.
 */
enum StarterTemplate {
    BASIC("basic", "an idea -> a detailed prompt -> a picture", List.of("basic.yaml")),
    IMAGE("image", "a picture and a square version of it", List.of("image.yaml")),
    VIDEO("video", "a picture, then a short clip that starts from it", List.of("video.yaml")),
    TTS("tts", "a line of text, spoken", List.of("tts.yaml")),
    STORY("story", "a story -> scenes -> pictures and narration -> a narrated, subtitled video",
            List.of("story/story-to-video.yaml", "story/stories/lighthouse-keeper.txt")),
    PARALLEL("parallel", "three takes side by side, the best kept, and a narration", List.of("parallel.yaml"));

    private static final String ROOT = "templates/";

    private final String id;
    private final String description;
    /** Resource paths under {@link #ROOT}; the first is the pipeline file. */
    private final List<String> resources;

    StarterTemplate(String id, String description, List<String> resources) {
        this.id = id;
        this.description = description;
        this.resources = resources;
    }

    String id() {
        return id;
    }

    String description() {
        return description;
    }

    static Optional<StarterTemplate> of(String id) {
        String wanted = id.strip().toLowerCase(Locale.ROOT);
        for (StarterTemplate t : values()) {
            if (t.id.equals(wanted)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    static List<String> ids() {
        return java.util.Arrays.stream(values()).map(StarterTemplate::id).toList();
    }

    /** A file of the template: where it goes in the project, and its bytes. */
    record File(String relativePath, byte[] content) {}

    /** The pipeline file's path inside the project. */
    String pipelineFile() {
        return target(resources.getFirst());
    }

    /**
     * The files to write; the pipeline file starts with the line that points editors at the schema
     * {@code acp init} writes beside it ({@link SchemaCommand#FILE_NAME}).
     */
    List<File> files() {
        List<File> out = new java.util.ArrayList<>();
        for (String r : resources) {
            byte[] content = read(r);
            if (out.isEmpty()) {
                content = withModeline(content);
            }
            out.add(new File(target(r), content));
        }
        return List.copyOf(out);
    }

    private static byte[] withModeline(byte[] content) {
        String text = new String(content, java.nio.charset.StandardCharsets.UTF_8);
        return text.startsWith(SchemaCommand.MODELINE) ? content
                : (SchemaCommand.MODELINE + "\n" + text).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Inside the project the story template's files lose their "story/" folder. */
    private String target(String resource) {
        return resource.startsWith(id + "/") ? resource.substring(id.length() + 1) : resource;
    }

    private static byte[] read(String resource) {
        try (InputStream in = StarterTemplate.class.getResourceAsStream(ROOT + resource)) {
            if (in == null) {
                throw new IllegalStateException("template resource missing from this build: " + ROOT + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
