package dev.acp.cli;

import dev.acp.content.embed.MiniLmEmbedder;
import dev.acp.content.embed.NpyFormat;
import dev.acp.content.embed.TextFiles;
import dev.acp.error.UsageException;
import dev.acp.util.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code acp content embed TEXT | --file F}: the 384-dimensional MiniLM vector of a text, printed or
 * written as JSON or NumPy {@code .npy}. With {@code --lines}, each non-blank line of the file is a
 * text of its own and the output is one vector per line.
 */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = "Embed a text with all-MiniLM-L6-v2 (384 numbers of length 1; the dot product of two"
                + " vectors is their cosine similarity). Runs offline; texts over 256 tokens are cut.")
final class ContentEmbedCommand implements Callable<Integer> {

    static final class Source {
        @Parameters(paramLabel = "TEXT", description = "The text to embed.")
        @Nullable String text;

        @Option(names = "--file", paramLabel = "FILE", description = "Embed the UTF-8 text of FILE.")
        @Nullable Path file;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source = new Source();

    @Option(names = "--lines", description = "With --file: each non-blank line is a text of its own.")
    boolean lines;

    @Option(names = "--output", paramLabel = "FILE",
            description = "Write the vector(s) to FILE: .json (an array, or an array of arrays with --lines) or"
                    + " .npy (float32, shape (384,) or (lines, 384)).")
    @Nullable Path output;

    @Option(names = "--threads", paramLabel = "N",
            description = "ONNX Runtime threads (default: one per core).")
    @Nullable Integer threads;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). JSON: {model,"
                    + " dimensions, texts: [{tokens, truncated, vector}]}; with --output, the vectors are left out.")
    RunCommand.Format format;

    private final CliContext context;

    ContentEmbedCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException {
        List<String> texts = texts();
        Path target = output == null ? null : context.workingDirectory().resolve(output);
        OutputKind kind = target == null ? null : OutputKind.of(target);
        if (target != null) {
            checkFolder(target);
        }
        MiniLmEmbedder.Settings settings = threads == null ? MiniLmEmbedder.Settings.defaults()
                : MiniLmEmbedder.Settings.withThreads(threads);
        List<float[]> vectors;
        List<int[]> counts = new ArrayList<>();
        String modelId;
        try (MiniLmEmbedder embedder = MiniLmEmbedder.load(settings)) {
            vectors = embedder.embed(texts);
            for (String text : texts) {
                var tokens = embedder.tokenizer().encode(text, settings.maxTokens());
                counts.add(new int[] {tokens.length(), tokens.truncated() ? 1 : 0});
            }
            modelId = embedder.modelId();
        }
        if (target != null) {
            write(target, kind, vectors);
        }
        if (format == RunCommand.Format.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", modelId);
            m.put("dimensions", MiniLmEmbedder.DIMENSIONS);
            if (target != null) {
                m.put("output", output.toString());
            }
            List<Map<String, Object>> items = new ArrayList<>();
            for (int i = 0; i < texts.size(); i++) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("tokens", counts.get(i)[0]);
                item.put("truncated", counts.get(i)[1] == 1);
                if (target == null) {
                    item.put("vector", vectors.get(i));
                }
                items.add(item);
            }
            m.put("texts", items);
            context.out().println(CliJson.pretty().writeValueAsString(m));
            return ExitCode.OK.code();
        }
        long truncated = counts.stream().filter(c -> c[1] == 1).count();
        if (truncated > 0) {
            context.err().println("acp: warning: " + truncated + (truncated == 1 ? " text was" : " texts were")
                    + " cut at " + settings.maxTokens() + " tokens; the words after that do not count");
        }
        if (target != null) {
            context.out().println(context.terminal().green("✓") + " " + vectors.size()
                    + (vectors.size() == 1 ? " vector" : " vectors") + " of " + MiniLmEmbedder.DIMENSIONS
                    + " written to " + output + " (" + modelId + ")");
            return ExitCode.OK.code();
        }
        context.out().println("model " + modelId + ", " + MiniLmEmbedder.DIMENSIONS + " dimensions");
        for (int i = 0; i < vectors.size(); i++) {
            if (vectors.size() > 1) {
                context.out().println("text " + (i + 1) + " (" + counts.get(i)[0] + " tokens):");
            }
            printVector(vectors.get(i));
        }
        return ExitCode.OK.code();
    }

    private void printVector(float[] vector) {
        StringBuilder line = new StringBuilder();
        for (int d = 0; d < vector.length; d++) {
            line.append(String.format(Locale.ROOT, "%10.6f", vector[d]));
            if (d % 8 == 7 || d == vector.length - 1) {
                context.out().println(line.toString().stripLeading());
                line.setLength(0);
            }
        }
    }

    private List<String> texts() throws IOException {
        if (source.file == null) {
            if (lines) {
                throw new UsageException("--lines needs --file; give the lines in a UTF-8 file");
            }
            if (source.text == null || source.text.isBlank()) {
                // Said before the model loads, in the words the embedder would use.
                throw new UsageException("the text to embed is empty; give at least one word");
            }
            return List.of(source.text);
        }
        String content = TextFiles.read(context.workingDirectory().resolve(source.file), source.file,
                "the path given to --file");
        if (!lines) {
            if (content.isBlank()) {
                throw new UsageException(source.file + " is empty; give it some text to embed");
            }
            return List.of(content);
        }
        List<String> texts = content.lines().filter(l -> !l.isBlank()).toList();
        if (texts.isEmpty()) {
            throw new UsageException(source.file + " has no non-blank line to embed");
        }
        return texts;
    }

    private enum OutputKind {
        JSON,
        NPY;

        static OutputKind of(Path target) {
            String name = target.getFileName() == null ? "" : target.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".json")) {
                return JSON;
            }
            if (name.endsWith(".npy")) {
                return NPY;
            }
            throw new UsageException("--output " + target.getFileName() + ": name a .json or .npy file");
        }
    }

    /** Checked before the model loads, so a typo costs nothing. */
    private void checkFolder(Path target) {
        Path folder = target.toAbsolutePath().getParent();
        if (folder == null || !Files.isDirectory(folder)) {
            throw new UsageException("--output " + output + ": the folder " + folder + " does not exist; create it"
                    + " first");
        }
    }

    private void write(Path target, OutputKind kind, List<float[]> vectors) throws IOException {
        byte[] bytes = switch (kind) {
            case JSON -> CliJson.compact().writeValueAsBytes(lines ? vectors : vectors.getFirst());
            case NPY -> lines ? NpyFormat.matrix(vectors) : NpyFormat.vector(vectors.getFirst());
        };
        Path folder = target.toAbsolutePath().getParent();
        // Written beside the target and renamed, so a reader never sees half a file.
        Path temporary = Files.createTempFile(folder, ".embed-", ".tmp");
        try {
            Files.write(temporary, bytes);
            AtomicFiles.replace(temporary, target);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
