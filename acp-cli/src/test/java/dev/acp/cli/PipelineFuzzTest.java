package dev.acp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.Acp;
import dev.acp.env.Environment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18: no pipeline text ends in exit 70. Mutates the examples and every pipeline snippet of
 * the tests (seeded), validates each through the CLI's own exit mapping ({@code acp config
 * validate --offline}), runs a few of the valid ones offline, and checks that every case ends
 * in 0 or 2, within 10 s, without a stack trace, a Java class name, {@code java.} or the
 * planted API key in any message, and without a file written outside the scratch folder.
 *
 * <p>{@code -Dacp.fuzz.cases=N} (20,000 with {@code -Pcrash-long} or {@code -Pfuzz-long}),
 * {@code -Dacp.fuzz.seed=S}, {@code -Dacp.fuzz.runs=N}. A failing case is written to
 * {@code target/fuzz-failures/} with its mutations, for reproducing it.
 */
class PipelineFuzzTest {
    static final long SEED = Long.getLong("acp.fuzz.seed", 18L);
    static final int CASES = Integer.getInteger("acp.fuzz.cases", 2000);
    static final int RUNS = Integer.getInteger("acp.fuzz.runs", 12);
    static final long CASE_LIMIT_MS = 10_000;
    /** A Java class name in a message: what the user should never need to read. */
    static final Pattern CLASS_NAME = Pattern.compile("[A-Z][a-zA-Z]+(Exception|Error)\\b");
    static final Pattern JAVA_PACKAGE = Pattern.compile("java\\.");
    static final String CANARY = "sk-or-v1-fuzzcanary-0123456789abcdef";
    static final Path REPO = Path.of(System.getProperty("acp.repo", "..")).toAbsolutePath().normalize();

    @TempDir
    Path scratch;

    /** One mutated pipeline and what became of it. */
    record Case(int index, String seed, List<String> mutations, String fileName, byte[] text) {}

    record Outcome(Case c, int exit, long millis, String out, String err) {}

    @Test
    void mutated_pipelines_end_in_0_or_2_with_messages_in_words_and_nothing_written_outside() throws Exception {
        Map<String, String> seeds = seeds();
        assertThat(seeds).as("examples and test snippets").hasSizeGreaterThan(40);
        Path work = Files.createDirectories(scratch.resolve("work"));
        deleteTree(Path.of("target/fuzz-failures"));
        copyTree(REPO.resolve("examples/stories"), work.resolve("stories"));
        Set<String> rootBefore = names(Path.of("/"));
        Set<String> homeBefore = names(Path.of(System.getProperty("user.home")));
        Set<String> repoBefore = names(REPO);
        Set<String> examplesBefore = tree(REPO.resolve("examples"));

        Acp[] shared = new Acp[1];
        CliRunner runner = new CliRunner(work).env("OPENROUTER_API_KEY", CANARY).env("HOME", work.toString())
                .env("HOME_TOWN", "Oslo").acpFactory(env -> {
                    // One ACP (providers, HTTP client) for every case, as one process would have.
                    synchronized (shared) {
                        if (shared[0] == null) {
                            shared[0] = Acp.create(env);
                        }
                        return shared[0];
                    }
                });
        // Warm-up outside the clock: the first call loads ACP's classes and providers.
        Files.writeString(work.resolve("warmup.yaml"), seeds.get("examples/seed/content_creation.yaml"));
        assertThat(runner.run("config", "validate", "--offline", "warmup.yaml").exitCode()).isZero();
        Files.delete(work.resolve("warmup.yaml"));
        Random random = new Random(SEED);
        List<String> seedNames = new ArrayList<>(seeds.keySet());
        Map<Integer, Integer> exits = new TreeMap<>();
        Map<String, Integer> mutationCounts = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        List<Outcome> validOnes = new ArrayList<>();
        Outcome slowest = null;
        long started = System.nanoTime();
        long[] phaseMillis = new long[3]; // validations, estimates, offline runs
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            for (int i = 0; i < CASES && failures.size() < 20; i++) {
                String seedName = seedNames.get(random.nextInt(seedNames.size()));
                Case c = Mutator.mutate(i, seedName, seeds.get(seedName), random);
                c.mutations().forEach(m -> mutationCounts.merge(m.replaceAll("\\(.*", ""), 1, Integer::sum));
                Path file = work.resolve(c.fileName());
                Files.write(file, c.text());
                long t0 = System.nanoTime();
                Future<CliRunner.Result> f = executor.submit(() -> runner.run("config", "validate", "--offline",
                        c.fileName()));
                CliRunner.Result r;
                try {
                    r = f.get(CASE_LIMIT_MS * 3, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    failures.add(record(c, "took longer than " + CASE_LIMIT_MS * 3 / 1000 + " s (abandoned)", null));
                    break;
                }
                Files.deleteIfExists(file);
                Outcome o = new Outcome(c, r.exitCode(), (System.nanoTime() - t0) / 1_000_000, r.out(), r.err());
                phaseMillis[0] += o.millis();
                exits.merge(o.exit(), 1, Integer::sum);
                if (slowest == null || o.millis() > slowest.millis()) {
                    slowest = o;
                }
                String problem = problem(o, Set.of(0, 2));
                if (problem != null) {
                    failures.add(record(c, problem, o));
                } else if (o.exit() == 0) {
                    // A valid one is also estimated, with the real providers' prices: its numbers meet
                    // the cost code.
                    Files.write(file, c.text());
                    long e0 = System.nanoTime();
                    CliRunner.Result est = executor.submit(() -> runner.run("pipeline", "estimate", "-c", c.fileName()))
                            .get(CASE_LIMIT_MS * 3, TimeUnit.MILLISECONDS);
                    Files.deleteIfExists(file);
                    Outcome eo = new Outcome(c, est.exitCode(), (System.nanoTime() - e0) / 1_000_000, est.out(),
                            est.err());
                    phaseMillis[1] += eo.millis();
                    exits.merge(200 + eo.exit(), 1, Integer::sum); // 200+n: an estimate's exit n
                    String estimateProblem = problem(eo, Set.of(0, 2));
                    if (estimateProblem != null) {
                        failures.add(record(c, "estimate: " + estimateProblem, eo));
                    }
                    if (validOnes.size() < 200) {
                        validOnes.add(o);
                    }
                }
            }
            // A few valid ones run offline, outputs in the scratch folder: cheap steps only.
            int runs = 0;
            for (Outcome v : validOnes) {
                String text = new String(v.c().text(), StandardCharsets.UTF_8);
                if (runs >= RUNS || Pattern.compile("video|speech|avatar|assemble|story").matcher(text).find()) {
                    continue;
                }
                runs++;
                Path file = work.resolve(v.c().fileName());
                Files.write(file, v.c().text());
                long t0 = System.nanoTime();
                Future<CliRunner.Result> f = executor.submit(() -> runner.run("pipeline", "run", "-c",
                        v.c().fileName(), "--offline", "--yes", "--no-cache", "--output-dir",
                        scratch.resolve("runs/" + v.c().index()).toString()));
                CliRunner.Result r = f.get(60, TimeUnit.SECONDS);
                Files.deleteIfExists(file);
                Outcome o = new Outcome(v.c(), r.exitCode(), (System.nanoTime() - t0) / 1_000_000, r.out(), r.err());
                phaseMillis[2] += o.millis();
                exits.merge(100 + o.exit(), 1, Integer::sum); // 100+n: a run's exit n
                String problem = problem(o, Set.of(0, 1, 2));
                if (problem != null) {
                    failures.add(record(v.c(), "offline run: " + problem, o));
                }
            }
        } finally {
            executor.shutdownNow();
        }
        long total = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("PipelineFuzzTest: seed %d, %d cases from %d seeds in %d ms (validations %d ms, estimates %d"
                + " ms, offline runs %d ms); exits %s (100+n: offline runs, 200+n: estimates);"
                + " slowest case #%d %d ms (%s, %s); mutations %s%n", SEED, CASES, seeds.size(), total, phaseMillis[0],
                phaseMillis[1], phaseMillis[2], exits,
                slowest.c().index(), slowest.millis(), slowest.c().seed(), slowest.c().mutations(), mutationCounts);

        assertThat(failures).as("cases that crashed, hung or leaked; see target/fuzz-failures").isEmpty();
        assertThat(names(Path.of("/"))).as("the file system root").isEqualTo(rootBefore);
        assertThat(names(Path.of(System.getProperty("user.home")))).as("the home folder").isEqualTo(homeBefore);
        assertThat(names(REPO)).as("the repository").isEqualTo(repoBefore);
        assertThat(tree(REPO.resolve("examples"))).as("the examples").isEqualTo(examplesBefore);
        assertThat(names(work)).as("validation writes nothing").isSubsetOf(Set.of("stories", ".acp-home"));
        assertThat(exits.keySet()).as("both valid and invalid cases were seen").contains(0, 2);
    }

    /** What is wrong with an outcome, or null. */
    static String problem(Outcome o, Set<Integer> allowedExits) {
        String all = o.out() + "\n" + o.err();
        if (!allowedExits.contains(o.exit())) {
            return "exit " + o.exit();
        }
        if (o.millis() > CASE_LIMIT_MS) {
            return "took " + o.millis() + " ms";
        }
        if (all.contains("\tat ") || all.contains("internal error")) {
            return "stack trace or internal error";
        }
        Matcher m = CLASS_NAME.matcher(all);
        if (m.find()) {
            return "a Java class name in a message: " + m.group();
        }
        if (JAVA_PACKAGE.matcher(all).find()) {
            return "'java.' in a message";
        }
        if (all.contains(CANARY)) {
            return "the API key in a message";
        }
        return null;
    }

    private static String record(Case c, String problem, Outcome o) throws IOException {
        Path dir = Files.createDirectories(Path.of("target/fuzz-failures"));
        Files.write(dir.resolve("case-" + c.index() + "-" + c.fileName()), c.text());
        String summary = "#" + c.index() + " " + problem + " (seed " + c.seed() + ", mutations " + c.mutations() + ")"
                + (o == null ? "" : ": " + firstLines(o.err() + o.out()));
        Files.writeString(dir.resolve("case-" + c.index() + ".txt"), summary + "\n\n" + (o == null ? "" : o.err()
                + o.out()));
        return summary;
    }

    private static String firstLines(String s) {
        return s.lines().limit(3).reduce((a, b) -> a + " | " + b).orElse("");
    }

    // ---- seeds -------------------------------------------------------------------------------

    /** The examples, and every pipeline written as a text block in the tests of every module. */
    static Map<String, String> seeds() throws IOException {
        Map<String, String> out = new TreeMap<>();
        for (Path dir : List.of(REPO.resolve("examples"), REPO.resolve("examples/seed"))) {
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : s.filter(x -> x.toString().endsWith(".yaml")).toList()) {
                    out.put(REPO.relativize(p).toString(), Files.readString(p));
                }
            }
        }
        Pattern block = Pattern.compile("\"\"\"\\n(.*?)\"\"\"", Pattern.DOTALL);
        try (Stream<Path> modules = Files.list(REPO)) {
            for (Path module : modules.filter(m -> m.getFileName().toString().startsWith("acp-")).toList()) {
                Path tests = module.resolve("src/test/java");
                if (!Files.isDirectory(tests)) {
                    continue;
                }
                try (Stream<Path> files = Files.walk(tests)) {
                    for (Path f : files.filter(x -> x.toString().endsWith(".java")).sorted().toList()) {
                        if (f.getFileName().toString().equals("PipelineFuzzTest.java")) {
                            continue;
                        }
                        Matcher m = block.matcher(Files.readString(f));
                        int n = 0;
                        while (m.find()) {
                            String text = m.group(1).stripIndent();
                            try {
                                text = text.translateEscapes();
                            } catch (IllegalArgumentException e) {
                                // kept as written
                            }
                            if (text.contains("pipeline_name") && text.contains("steps")
                                    && !CLASS_NAME.matcher(text).find() && !JAVA_PACKAGE.matcher(text).find()) {
                                out.put(REPO.relativize(f) + "#" + (++n), text.replace("%s", "x").replace("%d", "1"));
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    // ---- mutations ---------------------------------------------------------------------------

    /** Text-level mutations of a pipeline: lines, values, structure, encodings. */
    static final class Mutator {
        private static final Pattern KEY_LINE = Pattern.compile("^(\\s*(?:- )?)([A-Za-z_][A-Za-z0-9_]*):(\\s*)(.*)$");
        private static final Pattern ID = Pattern.compile("\\bid: *\"?([A-Za-z][A-Za-z0-9_-]*)");
        private static final List<String> VALUES = List.of("[a, b]", "[]", "{ x: 1 }", "{}", "-1", "0", "1e309",
                "99999999999999999999999", "-0.0", ".nan", ".inf", "null", "~", "\"\"", "true", "no", "0x1F",
                "\"Ωμέγα 🎬 \u202Eevil\u202C ✓\"", "\"\\u0000\"", "\"a\\0b.png\"", "\"{{steps.\"", "\"{{ }}\"",
                "\"{{env.}}\"", "\"{{env.OPENROUTER_API_KEY}}\"", "\"${OPENROUTER_API_KEY}\"", "\"${FAL_KEY:-x}\"",
                "\"${\"", "\"$${x}\"", "\"{{steps.x.output}}\"", "\"{{item.title}}\"", "\"{{index}}\"",
                "\"{{inputs.nope}}\"", "\"{{steps.{{steps.a.text}}.text}}\"", "\"}}{{\"", "\"\\\\{{literal\"",
                "\"../../etc/passwd.png\"", "\"/abs/x.png\"", "\"~/x.png\"", "\"C:\\\\x.png\"", "\"link/x.png\"",
                "\"a/../../b.png\"", "\".\"", "\"..\"", "/", "\"//\"", "&anchor [1, 2]", "*anchor", "!!binary aGVsbG8=",
                "!!set { a, b }", "!!omap [ a: 1 ]", "!!timestamp 2001-12-14", "!!python/object:os.system x",
                "!custom x", "|\n  block\n  text", ">-\n  folded", "\"{{steps.g0.output}}\"", "\"90s\"", "\"1h30m\"",
                "\"-5m\"", "\"0s\"", "[[[[[]]]]]", "{ a: { b: { c: [ {}, [] ] } } }", "'single {{ quoted'",
                "\"tab\tinside\"", "@reserved", "`backtick`", "%directive", "? complex", "- item", "[a, b", "{a: 1");
        private static final List<String> OUTPUT_DIRS = List.of("/", "\"/\"", "~", ".", "..", "\"/tmp/../\"",
                "\"${HOME}\"", "\"{{env.HOME}}\"", ".acp-home", ".acp-home/runs", "\"\"", "\"out\\u0000put\"",
                "[out]", "{ a: b }", "\"stories\"", "\"a/../../..\"");

        static Case mutate(int index, String seedName, String seed, Random r) {
            List<String> applied = new ArrayList<>();
            String text = seed;
            int n = 1 + r.nextInt(3);
            for (int k = 0; k < n; k++) {
                text = once(text, r, applied);
            }
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            String fileName = "case.yaml";
            int special = r.nextInt(60);
            if (special == 0) {
                bytes = concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, bytes);
                applied.add("bom");
            } else if (special == 1) {
                bytes = concat(bytes, new byte[] {(byte) 0xFF, (byte) 0xFE, (byte) 0xC3});
                applied.add("not-utf8");
            } else if (special == 2) {
                fileName = "case.json";
                applied.add("as-json");
            } else if (special == 3) {
                bytes = concat(bytes, ("\n---\n" + text).getBytes(StandardCharsets.UTF_8));
                applied.add("two-documents");
            }
            return new Case(index, seedName, List.copyOf(applied), fileName, bytes);
        }

        private static byte[] concat(byte[] a, byte[] b) {
            byte[] out = new byte[a.length + b.length];
            System.arraycopy(a, 0, out, 0, a.length);
            System.arraycopy(b, 0, out, a.length, b.length);
            return out;
        }

        private static String once(String text, Random r, List<String> applied) {
            List<String> lines = new ArrayList<>(text.lines().toList());
            if (lines.isEmpty()) {
                lines.add("");
            }
            int at = r.nextInt(lines.size());
            int kind = r.nextInt(22);
            switch (kind) {
                case 0 -> {
                    lines.remove(at);
                    applied.add("delete-line");
                }
                case 1 -> {
                    lines.add(at, lines.get(at));
                    applied.add("duplicate-line");
                }
                case 2 -> {
                    int other = r.nextInt(lines.size());
                    String x = lines.get(at);
                    lines.set(at, lines.get(other));
                    lines.set(other, x);
                    applied.add("swap-lines");
                }
                case 3, 4, 5, 6 -> {
                    int k = keyLine(lines, r);
                    if (k < 0) {
                        return once(text, r, applied);
                    }
                    Matcher m = KEY_LINE.matcher(lines.get(k));
                    m.matches();
                    String v = VALUES.get(r.nextInt(VALUES.size()));
                    lines.set(k, m.group(1) + m.group(2) + ": " + indentBlock(v, m.group(1).length() + 2));
                    applied.add("value(" + m.group(2) + ")");
                }
                case 7 -> {
                    int k = keyLine(lines, r);
                    if (k < 0) {
                        return once(text, r, applied);
                    }
                    Matcher m = KEY_LINE.matcher(lines.get(k));
                    m.matches();
                    String huge = "x".repeat(1 + r.nextInt(200_000));
                    lines.set(k, m.group(1) + m.group(2) + ": \"" + huge + "\"");
                    applied.add("huge-string");
                }
                case 8 -> {
                    int k = keyLine(lines, r);
                    String indent = k < 0 ? "" : " ".repeat(KEY_LINE.matcher(lines.get(k)).replaceAll("$1").length());
                    String[] keys = {"bogus_key", "retries", "type", "step_typ", "Steps", "id", "for_each", "steps",
                            "depends_on", "fallback", "enabled", "output_directory", "global_config", "inputs",
                            "parallel_config", "max_workers", "config", "provider", "timeout"};
                    String[] vals = {"1", "[]", "x", "{}", "null", "[a, b]", "\"{{steps.a.output}}\""};
                    lines.add(k < 0 ? at : k + 1, indent + keys[r.nextInt(keys.length)] + ": "
                            + vals[r.nextInt(vals.length)]);
                    applied.add("unknown-or-extra-key");
                }
                case 9 -> {
                    int k = keyLine(lines, r);
                    if (k < 0) {
                        return once(text, r, applied);
                    }
                    Matcher m = KEY_LINE.matcher(lines.get(k));
                    m.matches();
                    int depth = 50 + r.nextInt(400);
                    String nested = r.nextBoolean() ? "[".repeat(depth) + "]".repeat(depth)
                            : "{a: ".repeat(depth) + "1" + "}".repeat(depth);
                    lines.set(k, m.group(1) + m.group(2) + ": " + nested);
                    applied.add("deep-nesting");
                }
                case 10 -> {
                    // Anchors and aliases, including a small "billion laughs".
                    StringBuilder sb = new StringBuilder("x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
                    for (int j = 1; j < 9; j++) {
                        sb.append("x").append(j).append(": &a").append(j).append(" [");
                        for (int q = 0; q < 9; q++) {
                            sb.append(q == 0 ? "" : ", ").append("*a").append(j - 1);
                        }
                        sb.append("]\n");
                    }
                    lines.add(0, sb.toString().stripTrailing());
                    applied.add("alias-bomb");
                }
                case 11 -> {
                    String s = lines.get(at);
                    int pos = s.isEmpty() ? 0 : r.nextInt(s.length());
                    String[] odd = {"\u200B", "\u202E", "é", "🎬", "\uFEFF", "\t", "\r", "\u0085", "\u2028", "\\",
                            "\"", "'", "#", ":", "{{", "}}", "${", "&", "*", "!", "%", "@", "|", ">"};
                    lines.set(at, s.substring(0, pos) + odd[r.nextInt(odd.length)] + s.substring(pos));
                    applied.add("odd-character");
                }
                case 12 -> {
                    int k = findLine(lines, "step_type:", r);
                    if (k < 0) {
                        return once(text, r, applied);
                    }
                    String[] sources = {"[a, b]", "[]", "{ a: 1 }", "42", "\"{{steps.x.items}}\"", "\"text\"",
                            "\"{{inputs.places}}\"", "\"{{item}}\"", "\"{{steps.scenes.items}} and more\"", "null",
                            "\"{{env.HOME_TOWN}}\""};
                    String line = lines.get(k);
                    lines.set(k, line.replaceFirst("step_type: *[\"A-Za-z_]*", "for_each: "
                            + sources[r.nextInt(sources.length)].replace("$", "\\$")));
                    applied.add("for_each");
                }
                case 13 -> {
                    int k = findLine(lines, "steps:", r);
                    int insert = k < 0 ? lines.size() : k + 1;
                    lines.add(insert, "  - { id: g0, step_type: parallel_group, steps: [] }");
                    lines.add(insert + 1, "  - { id: after_g0, step_type: image_to_image, config: { image:"
                            + " \"{{steps.g0.output}}\", prompt: \"{{steps.g0.text}}\" } }");
                    applied.add("empty-group");
                }
                case 14 -> {
                    List<String> ids = new ArrayList<>();
                    Matcher m = ID.matcher(text);
                    while (m.find()) {
                        ids.add(m.group(1));
                    }
                    int k = keyLine(lines, r);
                    if (ids.isEmpty() || k < 0) {
                        return once(text, r, applied);
                    }
                    Matcher km = KEY_LINE.matcher(lines.get(k));
                    km.matches();
                    String id = ids.get(r.nextInt(ids.size()));
                    String[] forms = {"\"{{steps." + id + ".output}}\"", "\"{{steps." + id + ".text}}\"",
                            "\"{{steps." + id + ".items}}\"", "\"{{steps." + id + ".outputs}}\"", "[" + id + "]"};
                    lines.set(k, km.group(1) + km.group(2) + ": " + forms[r.nextInt(forms.length)]);
                    applied.add("reference");
                }
                case 15 -> {
                    int k = findLine(lines, "output_directory:", r);
                    String v = OUTPUT_DIRS.get(r.nextInt(OUTPUT_DIRS.size()));
                    if (k < 0) {
                        lines.add(0, "output_directory: " + v);
                    } else {
                        lines.set(k, lines.get(k).replaceFirst("output_directory:.*", "output_directory: "
                                + v.replace("$", "\\$")));
                    }
                    applied.add("output_directory");
                }
                case 16 -> {
                    int cut = r.nextInt(Math.max(1, text.length()));
                    applied.add("truncate");
                    return text.substring(0, cut);
                }
                case 17 -> {
                    applied.add("tabs-and-crlf");
                    return String.join("\r\n", lines).replace("  ", "\t");
                }
                case 18 -> {
                    String s = lines.get(at);
                    lines.set(at, r.nextBoolean() ? "  " + s : s.replaceFirst("^  ", ""));
                    applied.add("indentation");
                }
                case 19 -> {
                    List<String> ids = new ArrayList<>();
                    Matcher m = ID.matcher(text);
                    while (m.find()) {
                        ids.add(m.group(1));
                    }
                    int k = findLine(lines, "step_type:", r);
                    if (k < 0 || ids.isEmpty()) {
                        return once(text, r, applied);
                    }
                    String indent = lines.get(k).replaceAll("^(\\s*)(- )?.*", "$1") + (lines.get(k).trim()
                            .startsWith("- ") ? "  " : "");
                    if (lines.get(k).contains("{")) {
                        lines.set(k, lines.get(k).replaceFirst("step_type:", "depends_on: [" + ids.get(r.nextInt(
                                ids.size())) + "], step_type:"));
                    } else {
                        lines.add(k + 1, indent + "depends_on: [" + ids.get(r.nextInt(ids.size())) + "]");
                    }
                    applied.add("depends_on");
                }
                case 20 -> {
                    String[] keys = {"? [a, b]\n: c", "1: x", "null: y", "pipeline_name: again", "\"\": empty",
                            "<<: { description: merged }", "? |\n  block key\n: v"};
                    lines.add(r.nextInt(lines.size() + 1), keys[r.nextInt(keys.length)]);
                    applied.add("odd-key");
                }
                default -> {
                    int k = findLine(lines, "output_filename:", r);
                    String[] names = {"\"../escape.png\"", "\"/etc/x.png\"", "\"run.json\"", "\"x\"", "\"x.exe\"",
                            "\"a/b/c/d/e/f.png\"", "\"{{env.HOME_TOWN}}.png\"", "\"{{env.NOPE}}.png\"",
                            "\"{{item.title}}/x.png\"", "\"{{steps.a.text}}.png\"", "\"con.png\"", "\".png\"",
                            "\"\\u0000.png\"", "\"{{index}}.png\"", "\"stories/lighthouse-keeper.txt\"",
                            "\"%s.png\"", "\"x.PNG\"", "\"" + "n".repeat(300) + ".png\""};
                    String v = names[r.nextInt(names.length)];
                    if (k < 0) {
                        int s = findLine(lines, "step_type:", r);
                        if (s < 0) {
                            return once(text, r, applied);
                        }
                        String line = lines.get(s);
                        if (line.contains("{")) {
                            lines.set(s, line.replaceFirst("step_type:", "output_filename: " + v.replace("$", "\\$")
                                    + ", step_type:"));
                        } else {
                            lines.add(s + 1, line.replaceAll("^(\\s*)(- )?.*", "$1")
                                    + (line.trim().startsWith("- ") ? "  " : "") + "output_filename: " + v);
                        }
                    } else {
                        lines.set(k, lines.get(k).replaceFirst("output_filename:.*", "output_filename: "
                                + v.replace("$", "\\$")));
                    }
                    applied.add("output_filename");
                }
            }
            return String.join("\n", lines) + "\n";
        }

        private static String indentBlock(String value, int indent) {
            return value.replace("\n", "\n" + " ".repeat(indent));
        }

        private static int keyLine(List<String> lines, Random r) {
            List<Integer> found = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                if (KEY_LINE.matcher(lines.get(i)).matches() && !lines.get(i).trim().startsWith("#")) {
                    found.add(i);
                }
            }
            return found.isEmpty() ? -1 : found.get(r.nextInt(found.size()));
        }

        private static int findLine(List<String> lines, String needle, Random r) {
            List<Integer> found = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).contains(needle)) {
                    found.add(i);
                }
            }
            return found.isEmpty() ? -1 : found.get(r.nextInt(found.size()));
        }
    }

    // ---- the file system around the scratch folder -------------------------------------------

    private static Set<String> names(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return Set.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return new TreeSet<>(s.map(p -> p.getFileName().toString()).toList());
        }
    }

    private static Set<String> tree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return new TreeSet<>(s.map(p -> dir.relativize(p).toString()).toList());
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
