package dev.acp.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.acp.content.embed.MiniLmEmbedder;
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
 * a warm-up pass. Usage: {@code java -cp bench/target/acp-bench.jar dev.acp.bench.EmbedBenchmark
 * [--sentences N] [--iterations N] [--out FILE]}.
 */
public final class EmbedBenchmark {
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

        result.put("one_thread_per_s", measure("one thread", MiniLmEmbedder.Settings.withThreads(1), 1, texts,
                iterations));
        result.put("all_cores_intra_op_per_s", measure(cores + " intra-op threads, one caller",
                MiniLmEmbedder.Settings.withThreads(cores), 1, texts, iterations));
        result.put("all_cores_callers_per_s", measure(cores + " callers, one intra-op thread each",
                MiniLmEmbedder.Settings.withThreads(1), cores, texts, iterations));
        result.put("one_thread_batch_32_per_s", measure("one thread, batches of 32 (not reproducible)",
                new MiniLmEmbedder.Settings(1, MiniLmEmbedder.Settings.DEFAULT_MAX_TOKENS, 32), 1, texts, iterations));
        result.put("load_average_after", loadAverage());
        String json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result);
        if (out != null) {
            Files.writeString(out, json + "\n");
        }
        System.out.println(json);
    }

    /** The median sentences per second over the passes, {@code callers} threads sharing one embedder. */
    private static double measure(String label, MiniLmEmbedder.Settings settings, int callers, List<String> texts,
            int iterations) throws Exception {
        try (MiniLmEmbedder embedder = MiniLmEmbedder.load(settings);
                ExecutorService pool = Executors.newFixedThreadPool(callers)) {
            pass(embedder, pool, callers, texts.subList(0, Math.min(texts.size(), 200)));
            List<Double> rates = new ArrayList<>();
            for (int i = 0; i < iterations; i++) {
                long t0 = System.nanoTime();
                pass(embedder, pool, callers, texts);
                rates.add(texts.size() / seconds(t0));
            }
            rates.sort(null);
            double median = rates.get(rates.size() / 2);
            System.out.printf("%-50s %7.0f sentences/s (passes: %s)%n", label, median, rates.stream()
                    .map(r -> String.format("%.0f", r)).toList());
            return Math.round(median);
        }
    }

    /** Each caller takes a contiguous share and embeds it 16 sentences at a time, as an indexer would. */
    private static void pass(MiniLmEmbedder embedder, ExecutorService pool, int callers, List<String> texts)
            throws Exception {
        List<Future<?>> futures = new ArrayList<>();
        int share = (texts.size() + callers - 1) / callers;
        for (int c = 0; c < callers; c++) {
            List<String> mine = texts.subList(Math.min(texts.size(), c * share),
                    Math.min(texts.size(), (c + 1) * share));
            futures.add(pool.submit(() -> {
                for (int i = 0; i < mine.size(); i += 16) {
                    embedder.embed(mine.subList(i, Math.min(mine.size(), i + 16)));
                }
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
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
