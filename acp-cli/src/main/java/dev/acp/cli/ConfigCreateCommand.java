package dev.acp.cli;

import dev.acp.error.UsageException;
import dev.acp.plan.PlanResult;
import dev.acp.plan.RunSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code acp config create --interactive}: a few questions on the terminal (what to make, where,
 * offline or which text provider, the output folder), then a starter pipeline written like
 * {@code acp init} writes it, adjusted to the answers, and validated.
 */
@Command(name = "create", mixinStandardHelpOptions = true,
        description = "Create a pipeline file by answering a few questions on the terminal"
                + " (without a terminal, use 'acp init --template NAME').")
final class ConfigCreateCommand implements Callable<Integer> {
    /** Providers that can write the text steps (prompts, scenes) of the templates. */
    static final List<String> TEXT_PROVIDERS = List.of("openrouter", "openai", "google");

    @Option(names = {"-i", "--interactive"}, description = "Ask the questions on the terminal.")
    boolean interactive;

    private final CliContext context;

    ConfigCreateCommand(CliContext context) {
        this.context = context;
    }

    /** What the answers choose. {@code textProvider} is null for an offline pipeline. */
    record Answers(StarterTemplate template, Path directory, String fileName, String outputDirectory,
            boolean offline, String textProvider) {}

    @Override
    public Integer call() throws IOException {
        if (!interactive || !context.input().interactive()) {
            throw new UsageException((interactive ? "config create --interactive needs a terminal to ask its questions"
                    : "config create asks its questions only with --interactive")
                    + " (fix: run 'acp init --template " + String.join("|", StarterTemplate.ids())
                    + " [--directory DIR]' instead)");
        }
        Answers a = ask();
        StarterTemplate.File pipeline = new StarterTemplate.File(a.fileName(),
                customise(new String(a.template().files().getFirst().content(), StandardCharsets.UTF_8), a)
                        .getBytes(StandardCharsets.UTF_8));
        List<StarterTemplate.File> files = new ArrayList<>();
        files.add(pipeline);
        files.addAll(a.template().files().subList(1, a.template().files().size()));
        Path target = a.directory().resolve(a.fileName());
        boolean force = false;
        if (Files.exists(target)) {
            force = yes(question(target.getFileName() + " exists in " + a.directory() + ". Replace it?", "n"));
            if (!force) {
                context.out().println("Nothing was written.");
                return ExitCode.USAGE.code();
            }
        }
        List<Path> written = StarterProject.write(a.directory(), files, force);
        written.forEach(p -> context.out().println(context.terminal().green("✓") + " wrote "
                + StarterProject.display(context.workingDirectory(), p)));
        // The pipeline's first line points editors at this file (see 'acp schema').
        Path schema = written.getFirst().resolveSibling(SchemaCommand.FILE_NAME);
        SchemaCommand.write(schema);
        context.out().println(context.terminal().green("✓") + " wrote "
                + StarterProject.display(context.workingDirectory(), schema));
        PlanResult check = context.acp().check(written.getFirst(),
                RunSettings.check(context.workingDirectory()).withOffline(a.offline()));
        if (check.errors().isEmpty()) {
            context.out().println(context.terminal().green("✓") + " it validates"
                    + (a.offline() ? " for offline runs" : ""));
        } else {
            context.out().println("Validation says (fix these before running):");
            Cli.printProblems(context.out(), check.problems());
        }
        StarterProject.printNextSteps(context.out(), context.workingDirectory(), written.getFirst());
        return ExitCode.OK.code();
    }

    private Answers ask() throws IOException {
        PrintWriter out = context.out();
        out.println("What do you want to make?");
        StarterTemplate[] all = StarterTemplate.values();
        for (int i = 0; i < all.length; i++) {
            out.println("  " + (i + 1) + ") " + all[i].id() + " - " + all[i].description());
        }
        StarterTemplate template = null;
        while (template == null) {
            String answer = question("Template (number or name)", StarterTemplate.STORY.id());
            template = StarterTemplate.of(answer).orElse(null);
            if (template == null && answer.matches("\\d+")) {
                int n = Integer.parseInt(answer);
                template = n >= 1 && n <= all.length ? all[n - 1] : null;
            }
            if (template == null) {
                out.println("  Please answer 1-" + all.length + " or one of " + String.join(", ", StarterTemplate.ids()) + ".");
            }
        }
        Path directory = context.workingDirectory().resolve(question("Project folder", ".")).normalize();
        String fileName = question("Pipeline file name", Path.of(template.pipelineFile()).getFileName().toString());
        // One file in the project folder, with an extension the loader reads.
        fileName = fileName.replaceAll("[/\\\\]", "_");
        if (!fileName.matches(".+\\.(yaml|yml)")) {
            fileName = fileName + ".yaml";
        }
        String outputDirectory = question("Folder for the results (relative to where you run it)",
                outputDirectory(template));
        out.println("Run on the local engines (offline previews, no keys) or on real providers?");
        boolean offline;
        while (true) {
            String answer = question("offline or providers", "offline").toLowerCase(Locale.ROOT);
            if (answer.startsWith("off") || answer.equals("local")) {
                offline = true;
                break;
            }
            if (answer.startsWith("prov") || answer.equals("cloud") || answer.equals("real")) {
                offline = false;
                break;
            }
            out.println("  Please answer offline or providers.");
        }
        String textProvider = null;
        if (!offline && usesText(template)) {
            while (textProvider == null) {
                String answer = question("Provider for the text steps (" + String.join(", ", TEXT_PROVIDERS) + ")",
                        TEXT_PROVIDERS.getFirst()).toLowerCase(Locale.ROOT);
                textProvider = TEXT_PROVIDERS.contains(answer) ? answer : null;
            }
        }
        return new Answers(template, directory, fileName, outputDirectory, offline, textProvider);
    }

    private String question(String text, String defaultAnswer) throws IOException {
        context.out().print(text + " [" + defaultAnswer + "]: ");
        context.out().flush();
        String line = context.input().readLine();
        if (line == null) {
            throw new UsageException("the input ended before every question was answered; nothing was written"
                    + " (fix: answer the questions, or use 'acp init --template NAME')");
        }
        return line.isBlank() ? defaultAnswer : line.strip();
    }

    private static boolean yes(String answer) {
        return answer.toLowerCase(Locale.ROOT).startsWith("y");
    }

    private static boolean usesText(StarterTemplate t) {
        String text = new String(t.files().getFirst().content(), StandardCharsets.UTF_8);
        return text.contains("provider: openrouter");
    }

    private static final Pattern OUTPUT_DIRECTORY = Pattern.compile("(?m)^output_directory: *(\\S+)");
    private static final Pattern PROVIDER = Pattern.compile("(?m)(provider: *)(openrouter|fal|elevenlabs)\\b");
    /** A catalog model name in a flow map ({@code model: x, }) or on a line of its own. */
    private static final Pattern MODEL_IN_FLOW = Pattern.compile("model: *[\\w.\\-]+, *");
    private static final Pattern MODEL_LINE = Pattern.compile("(?m)^ *model: *[\\w.\\-]+ *\\R");
    private static final Pattern TEXT_MODEL_IN_FLOW = Pattern.compile("model: *openrouter-[\\w\\-]+, *");
    private static final Pattern TEXT_MODEL_LINE = Pattern.compile("(?m)^ *model: *openrouter-[\\w\\-]+ *\\R");

    private static String outputDirectory(StarterTemplate t) {
        Matcher m = OUTPUT_DIRECTORY.matcher(new String(t.files().getFirst().content(), StandardCharsets.UTF_8));
        return m.find() ? m.group(1) : "output";
    }

    /**
     * The template's text adjusted to the answers. Offline: every step on {@code local}, and the
     * catalog model names (which belong to the cloud providers) removed. With another text
     * provider: its provider line, and the OpenRouter model name removed so that the provider's
     * own default model is used.
     */
    static String customise(String template, Answers a) {
        String text = OUTPUT_DIRECTORY.matcher(template)
                .replaceFirst(Matcher.quoteReplacement("output_directory: " + a.outputDirectory()));
        if (a.offline()) {
            text = PROVIDER.matcher(text).replaceAll("$1local");
            text = MODEL_LINE.matcher(MODEL_IN_FLOW.matcher(text).replaceAll("")).replaceAll("");
        } else if (a.textProvider() != null && !a.textProvider().equals("openrouter")) {
            text = text.replaceAll("(provider: *)openrouter\\b", "$1" + a.textProvider());
            text = TEXT_MODEL_LINE.matcher(TEXT_MODEL_IN_FLOW.matcher(text).replaceAll("")).replaceAll("");
        }
        return text;
    }
}
