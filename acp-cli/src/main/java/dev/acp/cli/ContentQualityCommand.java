package dev.acp.cli;

import dev.acp.Acp;
import dev.acp.content.quality.QualityAnalyzer;
import dev.acp.content.quality.QualityDimension;
import dev.acp.content.quality.QualityReport;
import dev.acp.error.UsageException;
import dev.acp.local.media.Ffmpeg;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code acp content quality FILE}: the multi-dimensional quality of an image, audio or video
 * file, each dimension with its raw measurement, unit, 0..1 score and weight, and the overall score.
 */
@Command(name = "quality", mixinStandardHelpOptions = true,
        description = "Score the quality of an image, audio or video file: sharpness, exposure, noise and"
                + " colourfulness of pictures (over one frame a second for video), loudness, peaks, clipping and"
                + " silence of sound, shot rhythm of video; each a raw measurement and a 0..1 score, and an overall"
                + " score to rank takes of the same kind. Offline (ffmpeg).")
final class ContentQualityCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "The image, audio or video file.")
    Path file;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    RunCommand.Format format = RunCommand.Format.table;

    private final CliContext context;

    ContentQualityCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        Path path = context.workingDirectory().resolve(file);
        if (!Files.isRegularFile(path)) {
            throw new UsageException("no such file: " + file + "; check the path");
        }
        Ffmpeg ffmpeg = Ffmpeg.locate(context.environment(), Acp.acpHome(context.environment()));
        QualityReport report = new QualityAnalyzer(ffmpeg, Path.of(System.getProperty("java.io.tmpdir")))
                .analyze(path);
        if (format == RunCommand.Format.json) {
            context.out().println(CliJson.pretty().writeValueAsString(json(report, file)));
        } else {
            table(report);
        }
        return ExitCode.OK.code();
    }

    /** The report as JSON, naming the file as {@code shown}; {@code acp content process} prints the same. */
    static Map<String, Object> json(QualityReport report, Path shown) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("file", shown.toString());
        root.put("kind", report.kind().name().toLowerCase(Locale.ROOT));
        root.put("overall", round(report.overall()));
        List<Map<String, Object>> dimensions = new ArrayList<>();
        for (QualityDimension d : report.dimensions()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", d.name());
            m.put("value", Math.round(d.value() * 1e6) / 1e6);
            m.put("unit", d.unit());
            m.put("score", round(d.score()));
            m.put("weight", round(d.weight()));
            dimensions.add(m);
        }
        root.put("dimensions", dimensions);
        return root;
    }

    private void table(QualityReport report) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"DIMENSION", "VALUE", "UNIT", "SCORE", "WEIGHT"});
        for (QualityDimension d : report.dimensions()) {
            rows.add(new String[] {d.name(), number(d.value()), d.unit(), String.format(Locale.ROOT, "%.2f", d.score()),
                d.weight() == 0 ? "-" : String.format(Locale.ROOT, "%.3f", d.weight())});
        }
        Table.print(context.out(), context.terminal(), rows);
        context.out().println();
        context.out().printf(Locale.ROOT, "Overall quality of %s (%s): %.2f, the weighted mean of the scores.%n", file,
                report.kind().name().toLowerCase(Locale.ROOT), report.overall());
    }

    /** Four significant digits, without an exponent for the values quality reports. */
    private static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return Long.toString((long) v);
        }
        return new java.math.BigDecimal(v).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
    }

    private static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }
}
