package dev.acp.plan;

import dev.acp.pipeline.InputSpec;
import dev.acp.pipeline.InputType;
import dev.acp.pipeline.PipelineSpec;
import dev.acp.pipeline.SourceLocation;
import dev.acp.util.Suggestions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The inputs pass: each declared input's value, from {@code --set} or its default, parsed as its
 * type; a text_file input is read here, so that a missing or unreadable file is a validation error.
 */
final class InputValues {
    /** The largest text_file input: far above a 100,000-word story, far below a video mistaken for one. */
    static final long MAX_TEXT_INPUT_BYTES = 4L * 1024 * 1024;
    private final PipelineSpec spec;
    private final RunSettings settings;
    private final ReadPolicy reads;
    private final Findings findings;

    InputValues(PipelineSpec spec, RunSettings settings, ReadPolicy reads, Findings findings) {
        this.spec = spec;
        this.settings = settings;
        this.reads = reads;
        this.findings = findings;
    }

    /**
     * Reports a file input the policy refuses, before anything looks at the file: whether it
     * exists is not told either.
     */
    private boolean refused(InputSpec in, String written, Path p, SourceLocation at) {
        var refusal = reads.refusal(written, p);
        refusal.ifPresent(r -> findings.error(at, null, "input '" + in.name() + "': " + r, reads.fix()));
        return refusal.isPresent();
    }

    /** Every input that has a value, in the order given, then declared. */
    Map<String, Object> resolve() {
        Map<String, Object> values = new LinkedHashMap<>();
        SourceLocation setFlag = SourceLocation.unknown("--set");
        for (var e : settings.inputValues().entrySet()) {
            InputSpec in = spec.inputs().get(e.getKey());
            if (in == null) {
                String fix = Suggestions.nearest(e.getKey(), spec.inputs().keySet())
                        .map(x -> "did you mean '" + x + "'?")
                        .orElse(spec.inputs().isEmpty() ? "the pipeline declares no inputs; add an 'inputs:' section"
                                : "declared inputs: " + String.join(", ", spec.inputs().keySet()));
                findings.error(setFlag, null, "unknown input '" + e.getKey() + "'", fix);
                continue;
            }
            Object v = in.type().parse(e.getValue());
            if (v == null) {
                findings.error(setFlag, null, "input '" + in.name() + "' is " + in.type().wireName() + " but got '"
                        + e.getValue() + "'", "pass a " + in.type().wireName() + " value with --set " + in.name() + "=...");
                continue;
            }
            if (in.type() == InputType.FILE || in.type() == InputType.TEXT_FILE) {
                Path p = settings.workingDirectory().resolve(e.getValue()).normalize();
                if (refused(in, e.getValue(), p, setFlag)) {
                    continue;
                }
                if (!Files.isRegularFile(p)) {
                    findings.error(setFlag, null, "input '" + in.name() + "': file not found: " + p,
                            "pass an existing file");
                    continue;
                }
                v = in.type() == InputType.TEXT_FILE ? readText(in, p, setFlag) : p.toString();
                if (v == null) {
                    continue;
                }
            }
            values.put(in.name(), v);
        }
        for (InputSpec in : spec.inputs().values()) {
            Object v = values.get(in.name());
            if (v == null && !settings.inputValues().containsKey(in.name())) {
                if (in.defaultValue() == null) {
                    findings.error(in.location(), null, "input '" + in.name() + "' has no value",
                            "pass --set " + in.name() + "=... or give it a default");
                    continue;
                }
                v = in.defaultValue();
                if ((in.type() == InputType.FILE || in.type() == InputType.TEXT_FILE)
                        && refused(in, v.toString(), spec.baseDirectory().resolve(v.toString()).normalize(),
                                in.location())) {
                    continue;
                }
                if (in.type() == InputType.FILE) {
                    v = spec.baseDirectory().resolve(v.toString()).normalize().toString();
                } else if (in.type() == InputType.TEXT_FILE) {
                    Path p = spec.baseDirectory().resolve(v.toString()).normalize();
                    if (!Files.isRegularFile(p)) {
                        findings.error(in.location(), null, "input '" + in.name() + "': file not found: " + p,
                                "create the file, or pass another with --set " + in.name() + "=FILE");
                        continue;
                    }
                    v = readText(in, p, in.location());
                    if (v == null) {
                        continue;
                    }
                }
                values.put(in.name(), v);
            }
            if (v != null && !in.allowed().isEmpty() && !containsValue(in.allowed(), v)) {
                findings.error(in.location(), null, "input '" + in.name() + "' is '" + v
                        + "', not one of its allowed values", "use one of " + in.allowed());
            }
        }
        return values;
    }

    /**
     * The contents of a {@code text_file} input, or null after reporting why not. Bounded so that
     * a wrong path (a video, a log) fails fast instead of filling memory; blank text is refused
     * because every step that reads a story or script needs some.
     */
    private @Nullable String readText(InputSpec in, Path p, SourceLocation at) {
        try {
            long size = Files.size(p);
            if (size > MAX_TEXT_INPUT_BYTES) {
                findings.error(at, null, "input '" + in.name() + "': " + p + " is " + size / 1024
                        + " KiB, more than the " + MAX_TEXT_INPUT_BYTES / (1024 * 1024)
                        + " MiB a text_file input may hold", "pass a shorter text file");
                return null;
            }
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Files.readAllBytes(p))).toString();
            if (text.isBlank()) {
                findings.error(at, null, "input '" + in.name() + "': " + p + " is empty",
                        "write the text into the file, or pass another with --set " + in.name() + "=FILE");
                return null;
            }
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            findings.error(at, null, "input '" + in.name() + "': " + p + " is not UTF-8 text",
                    "save it as UTF-8 plain text");
            return null;
        } catch (IOException e) {
            findings.error(at, null, "input '" + in.name() + "': cannot read " + p + ": " + e.getMessage(),
                    "check the file's permissions");
            return null;
        }
    }

    private static boolean containsValue(List<Object> allowed, Object v) {
        for (Object a : allowed) {
            if (a.equals(v) || a instanceof Number an && v instanceof Number vn
                    && an.doubleValue() == vn.doubleValue()) {
                return true;
            }
        }
        return false;
    }
}
