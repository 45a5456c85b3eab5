package dev.acp.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.acp.content.faces.FaceDetector;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Face detection time per image on one ONNX Runtime thread ({@link FaceDetector#detect}: letterbox,
 * model, decoding and suppression; not the file decoding), for the NASA astronaut photo at its own
 * 512 x 512, at 128 x 128 (the model's input size, so nearly all of it is the model), and scaled to
 * 1920 x 1080 and 4000 x 3000 (where shrinking the picture dominates). Each size is warmed up, then
 * timed image by image; the median and 90th percentile of wall time are reported, and the median
 * of the calling thread's CPU time: with one intra-op thread ONNX Runtime runs on the caller, so the
 * CPU time is the work an image costs even when other processes share the cores. Usage: {@code java -cp
 * bench/target/acp-bench.jar dev.acp.bench.FacesBenchmark --photo FILE [--images N] [--out FILE]}.
 */
public final class FacesBenchmark {
    public static void main(String[] args) throws Exception {
        Path photo = null;
        int images = 300;
        Path out = Path.of("bench/results/faces.json");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--photo" -> photo = Path.of(args[++i]);
                case "--images" -> images = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (photo == null) {
            throw new IllegalArgumentException("--photo FILE is required");
        }
        BufferedImage astronaut = ImageIO.read(photo.toFile());
        Map<String, BufferedImage> inputs = new LinkedHashMap<>();
        inputs.put("128x128", scaled(astronaut, 128, 128));
        inputs.put("512x512", astronaut);
        inputs.put("1920x1080", scaled(astronaut, 1920, 1080));
        inputs.put("4000x3000", scaled(astronaut, 4000, 3000));
        List<Map<String, Object>> rows = new ArrayList<>();
        long loadStart = System.nanoTime();
        try (FaceDetector detector = FaceDetector.load(1)) {
            double loadMs = (System.nanoTime() - loadStart) / 1e6;
            System.out.printf("model load: %.1f ms%n", loadMs);
            for (var e : inputs.entrySet()) {
                BufferedImage image = e.getValue();
                int count = e.getKey().equals("4000x3000") ? Math.max(20, images / 10) : images;
                for (int i = 0; i < Math.max(20, count / 5); i++) {
                    detector.detect(image);
                }
                double[] ms = new double[count];
                double[] cpuMs = new double[count];
                int faces = 0;
                var threads = java.lang.management.ManagementFactory.getThreadMXBean();
                for (int i = 0; i < count; i++) {
                    long cpu = threads.getCurrentThreadCpuTime();
                    long t = System.nanoTime();
                    faces = detector.detect(image).size();
                    ms[i] = (System.nanoTime() - t) / 1e6;
                    cpuMs[i] = (threads.getCurrentThreadCpuTime() - cpu) / 1e6;
                }
                Arrays.sort(ms);
                Arrays.sort(cpuMs);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("size", e.getKey());
                row.put("images", count);
                row.put("faces", faces);
                row.put("median_ms", round(ms[count / 2]));
                row.put("p90_ms", round(ms[(int) (count * 0.9)]));
                row.put("median_cpu_ms", round(cpuMs[count / 2]));
                row.put("images_per_second", round(1000 / ms[count / 2]));
                rows.add(row);
                System.out.printf("%-10s %d faces  median %.2f ms  p90 %.2f ms  median CPU %.2f ms%n", e.getKey(),
                        faces, ms[count / 2], ms[(int) (count * 0.9)], cpuMs[count / 2]);
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("benchmark", "faces");
            result.put("model", detector.modelId());
            result.put("threads", 1);
            result.put("cpus", Runtime.getRuntime().availableProcessors());
            result.put("load_average", Files.readString(Path.of("/proc/loadavg")).strip());
            result.put("model_load_ms", round(loadMs));
            result.put("results", rows);
            if (out.getParent() != null) {
                Files.createDirectories(out.getParent());
            }
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), result);
        }
    }

    private static BufferedImage scaled(BufferedImage image, int width, int height) {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        // The portrait centred at the frame's height, as a camera would frame it.
        int side = Math.min(width, height);
        g.drawImage(image, (width - side) / 2, (height - side) / 2, side, side, null);
        g.dispose();
        return out;
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
