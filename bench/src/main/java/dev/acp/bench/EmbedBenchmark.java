package dev.acp.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.acp.content.embed.MiniLmEmbedder;
import dev.acp.content.embed.WordPieceTokenizer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Sentences per second of {@link MiniLmEmbedder} on 10-word sentences (issue 15: at least 500 per
 * core), and the time to load the model:
 *
 * <ol>
 *   <li>one thread: one ONNX Runtime thread, one caller;
 *   <li>all cores, intra-op: one caller, ONNX Runtime splits each sentence over every core;
 *   <li>all cores, callers: one ONNX Runtime thread per run and one caller per core on the same
 *       embedder (the way an indexer with a thread pool would use it);
 *   <li>for comparison, batches of 32 on one thread: faster per sentence, but the model's run-time
 *       activation quantization then depends on the batch, so ACP does not batch by default.
 * </ol>
 *
 * Each figure is the median of {@code --iterations} passes over {@code --sentences} sentences after
 * a warm-up pass. Beside wall-clock rates, the runs with one intra-op thread (where ONNX Runtime
 * works in the calling thread) give sentences per CPU second of the callers, which other processes
 * on a loaded machine change far less than wall time; and the tokenizer alone is timed the same
 * way, to show how the time splits between tokenization and the model run. Usage: {@code java -cp bench/target/acp-bench.jar dev.acp.bench.EmbedBenchmark
 * [--sentences N] [--iterations N] [--out FILE]}.
 */
public final class EmbedBenchmark {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final String[] WORDS = ("the a quiet loud song river light night dance city rain love story"
            + " guitar piano drums summer winter road home heart dream fire ocean sky slow fast bright dark old"
            + " new little broken golden silver morning evening train window street voice memory").split(" ");

    public static void main(String[] args) throws Exception {
        int sentences = 2_000;
        int iterations = 3;
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--sentences" -> sentences = Integer.parseInt(args[++i]);
                case "--iterations" -> iterations = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        int cores = Runtime.getRuntime().availableProcessors();
        List<String> texts = sentences(sentences, 10);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("cores", cores);
        result.put("sentences", sentences);
        result.put("words_per_sentence", 10);
        result.put("load_average_before", loadAverage());

        long t0 = System.nanoTime();
        MiniLmEmbedder first = MiniLmEmbedder.load(MiniLmEmbedder.Settings.withThreads(1));
        double firstLoad = seconds(t0);
        first.close();
        t0 = System.nanoTime();
        MiniLmEmbedder.load(MiniLmEmbedder.Settings.withThreads(1)).close();
        double secondLoad = seconds(t0);
        result.put("model_load_first_s", round(firstLoad));
        result.put("model_load_again_s", round(secondLoad));
        System.out.printf("model load: %.2f s (first in this JVM, native library included), %.2f s again%n",
                firstLoad, secondLoad);

        result.put("tokenize_us_per_sentence_cpu", tokenizeMicros(texts, iterations));
        Rate one = measure("one thread", MiniLmEmbedder.Settings.withThreads(1), 1, texts, iterations);
        result.put("one_thread_per_s", one.wall());
        result.put("one_thread_per_cpu_s", one.cpu());
        result.put("all_cores_intra_op_per_s", measure(cores + " intra-op threads, one caller",
                MiniLmEmbedder.Settings.withThreads(cores), 1, texts, iterations).wall());
        Rate callers = measure(cores + " callers, one intra-op thread each", MiniLmEmbedder.Settings.withThreads(1),
                cores, texts, iterations);
        result.put("all_cores_callers_per_s", callers.wall());
        result.put("all_cores_callers_per_cpu_s", callers.cpu());
        Rate batched = measure("one thread, batches of 32 (not reproducible)",
                new MiniLmEmbedder.Settings(1, MiniLmEmbedder.Settings.DEFAULT_MAX_TOKENS, 32), 1, texts, iterations);
        result.put("one_thread_batch_32_per_s", batched.wall());
        result.put("one_thread_batch_32_per_cpu_s", batched.cpu());
        result.put("load_average_after", loadAverage());
        String json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result);
        if (out != null) {
            Files.writeString(out, json + "\n");
        }
        System.out.println(json);
    }

    /**
     * Median sentences per wall second and per CPU second of the callers (meaningful with one
     * intra-op thread only: more threads work outside the callers).
     */
    record Rate(double wall, double cpu) {}

    /** The medians over the passes, {@code callers} threads sharing one embedder. */
    private static Rate measure(String label, MiniLmEmbedder.Settings settings, int callers, List<String> texts,
            int iterations) throws Exception {
        try (MiniLmEmbedder embedder = MiniLmEmbedder.load(settings);
                ExecutorService pool = Executors.newFixedThreadPool(callers)) {
            pass(embedder, pool, callers, texts.subList(0, Math.min(texts.size(), 200)));
            List<Double> rates = new ArrayList<>();
            List<Double> cpuRates = new ArrayList<>();
            for (int i = 0; i < iterations; i++) {
                long t0 = System.nanoTime();
                long cpuNanos = pass(embedder, pool, callers, texts);
                rates.add(texts.size() / seconds(t0));
                cpuRates.add(texts.size() / (cpuNanos / 1e9));
            }
            double median = median(rates);
            double cpuMedian = median(cpuRates);
            String perCpu = settings.threads() == 1 ? String.format(", %7.0f per CPU second", cpuMedian) : "";
            System.out.printf("%-50s %7.0f sentences/s%s (passes: %s)%n", label, median, perCpu,
                    rates.stream().map(r -> String.format("%.0f", r)).toList());
            return new Rate(Math.round(median), Math.round(cpuMedian));
        }
    }

    /**
     * Each caller takes a contiguous share and embeds it 16 sentences at a time, as an indexer would.
     * Returns the CPU time the callers used.
     */
    private static long pass(MiniLmEmbedder embedder, ExecutorService pool, int callers, List<String> texts)
            throws Exception {
        List<Future<Long>> futures = new ArrayList<>();
        int share = (texts.size() + callers - 1) / callers;
        for (int c = 0; c < callers; c++) {
            List<String> mine = texts.subList(Math.min(texts.size(), c * share),
                    Math.min(texts.size(), (c + 1) * share));
            futures.add(pool.submit(() -> {
                long cpu0 = THREADS.getCurrentThreadCpuTime();
                for (int i = 0; i < mine.size(); i += 16) {
                    embedder.embed(mine.subList(i, Math.min(mine.size(), i + 16)));
                }
                return THREADS.getCurrentThreadCpuTime() - cpu0;
            }));
        }
        long cpu = 0;
        for (Future<Long> f : futures) {
            cpu += f.get();
        }
        return cpu;
    }

    /** The tokenizer alone: median CPU microseconds per sentence, after a warm-up pass. */
    private static double tokenizeMicros(List<String> texts, int iterations) {
        try (MiniLmEmbedder embedder = MiniLmEmbedder.load(MiniLmEmbedder.Settings.withThreads(1))) {
            WordPieceTokenizer tokenizer = embedder.tokenizer();
            List<Double> micros = new ArrayList<>();
            long tokens = 0;
            for (int i = 0; i <= iterations; i++) {
                long cpu0 = THREADS.getCurrentThreadCpuTime();
                for (String text : texts) {
                    tokens += tokenizer.encode(text, MiniLmEmbedder.Settings.DEFAULT_MAX_TOKENS).length();
                }
                if (i > 0) {
                    micros.add((THREADS.getCurrentThreadCpuTime() - cpu0) / 1e3 / texts.size());
                }
            }
            double median = median(micros);
            System.out.printf("%-50s %7.1f CPU microseconds per sentence (%.1f tokens each)%n", "tokenizer alone",
                    median, tokens / (double) ((iterations + 1L) * texts.size()));
            return Math.round(median * 10) / 10.0;
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }

    private static List<String> sentences(int count, int words) {
        Random random = new Random(15);
        List<String> texts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            StringBuilder s = new StringBuilder();
            for (int w = 0; w < words; w++) {
                s.append(w == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
            }
            texts.add(s.toString());
        }
        return texts;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
