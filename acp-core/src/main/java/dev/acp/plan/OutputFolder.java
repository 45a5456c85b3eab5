package dev.acp.plan;

import dev.acp.env.Environment;
import dev.acp.pipeline.PipelineSpec;
import dev.acp.pipeline.SourceLocation;
import dev.acp.util.SafePaths;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The output folder pass: where the run writes, at its real location (links above it resolved,
 * so that none can be followed later); a folder outputs must not go to is reported.
 */
final class OutputFolder {
    private final PipelineSpec spec;
    private final RunSettings settings;
    private final Environment environment;
    private final Path acpHome;
    private final Findings findings;

    OutputFolder(PipelineSpec spec, RunSettings settings, Environment environment, Path acpHome, Findings findings) {
        this.spec = spec;
        this.settings = settings;
        this.environment = environment;
        this.acpHome = acpHome;
        this.findings = findings;
    }

    Path resolve() {
        boolean flag = settings.outputDirectory() != null;
        SourceLocation at = flag ? SourceLocation.unknown("--output-dir") : spec.locations().at("output_directory");
        Path resolved;
        try {
            Path dir = flag ? settings.outputDirectory() : Path.of(spec.outputDirectory());
            resolved = settings.workingDirectory().resolve(dir).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            findings.error(at, null, "output_directory '" + spec.outputDirectory() + "' is not a valid path",
                    "name a folder, for example 'output'");
            resolved = settings.workingDirectory().resolve("output").toAbsolutePath().normalize();
        }
        OutputFolders.checkRoot(resolved, settings.workingDirectory(), homes(), acpHome)
                .ifPresent(f -> findings.error(at, null, f.message(), f.fix()));
        return SafePaths.real(resolved);
    }

    /** The user's home folder, as Java and as the environment name it. */
    private List<Path> homes() {
        List<Path> out = new ArrayList<>();
        String property = System.getProperty("user.home");
        if (property != null && !property.isBlank()) {
            out.add(Path.of(property));
        }
        environment.get("HOME").filter(h -> h.startsWith("/")).ifPresent(h -> out.add(Path.of(h)));
        return out;
    }
}
