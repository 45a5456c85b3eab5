package dev.acp.content.faces;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.acp.content.onnx.OnnxRuntimes;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Finds faces in images with MediaPipe's BlazeFace short-range model on ONNX Runtime.
 *
 * <p>Each image is letterboxed into the model's 128 x 128 input ({@link Letterbox}), the 896 anchor
 * outputs are decoded ({@link BlazeFaceModel}), those scoring at least the minimum are merged by
 * weighted non-maximum suppression ({@link WeightedNms}), and boxes and landmarks are mapped back to
 * the image's pixels.
 *
 * <p>The model is made for faces that fill a good part of the picture (a selfie, a portrait, a
 * talking head): a face smaller than about a tenth of the image's longer side is often missed, as
 * are faces turned far from the camera or upside down.
 *
 * <p>The ONNX Runtime session is created once; {@link #detect} may be called from several threads at
 * once. Close the detector after the last call has returned.
 */
public final class FaceDetector implements AutoCloseable {
    /**
     * The default minimum confidence. MediaPipe's face graph uses 0.5 and keijiro's Unity sample
     * 0.75. On the test photos a frontal face scores 0.92 and a face in profile behind a camera
     * 0.77, while the model's best false detection, a cat's face, scores 0.50: 0.6 keeps the
     * profile that 0.75 would put at risk and drops the cat that 0.5 would report.
     */
    public static final double DEFAULT_MIN_SCORE = 0.6;

    private final OrtSession session;
    private final String inputName;
    private final List<Grid> grids;
    private final Anchors anchors;

    /** The names of one anchor grid's two outputs: scores ({@code [1, n, 1]}) and values ({@code [1, n, 16]}). */
    private record Grid(int anchors, String scores, String values) {}

    private FaceDetector(OrtSession session, String inputName, List<Grid> grids, Anchors anchors) {
        this.session = session;
        this.inputName = inputName;
        this.grids = List.copyOf(grids);
        this.anchors = anchors;
    }

    /**
     * Loads the vendored model.
     *
     * @param intraOpThreads threads ONNX Runtime may use for one image; 1 is fastest per core when
     *     the caller already runs images in parallel
     * @throws ProviderException {@link ErrorKind#LOCAL} when ONNX Runtime cannot start on this
     *     machine, {@link ErrorKind#INTERNAL} when the model is missing or not the expected one
     */
    public static FaceDetector load(int intraOpThreads) throws ProviderException {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intraOpThreads must be at least 1: " + intraOpThreads);
        }
        byte[] model = modelBytes();
        OrtEnvironment env;
        try {
            env = OnnxRuntimes.environment();
        } catch (RuntimeException | LinkageError e) {
            throw new ProviderException(ErrorKind.LOCAL, "ONNX Runtime could not start on this machine ("
                    + e.getMessage() + "); face detection needs Linux, macOS or Windows on x86-64 or arm64", e);
        }
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            // The converted model carries unused initialisers ONNX Runtime warns about on stderr.
            options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            OrtSession session = env.createSession(model, options);
            try {
                return create(session);
            } catch (RuntimeException e) {
                session.close();
                throw e;
            }
        } catch (OrtException e) {
            throw new ProviderException(ErrorKind.INTERNAL, "ONNX Runtime could not load the face model "
                    + BlazeFaceModel.RESOURCE + " (" + e.getMessage() + "); the build is damaged, rebuild acp-content",
                    e);
        }
    }

    /** Checks the model's inputs and outputs against what the decoder expects, by shape rather than by name. */
    private static FaceDetector create(OrtSession session) throws OrtException, ProviderException {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        Anchors anchors = Anchors.shortRange();
        long[] inputShape = {1, BlazeFaceModel.INPUT_SIZE, BlazeFaceModel.INPUT_SIZE, 3};
        if (inputs.size() != 1 || !hasShape(inputs.values().iterator().next(), inputShape)) {
            throw unexpectedModel("one input of shape " + Arrays.toString(inputShape), inputs);
        }
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        List<Grid> grids = new ArrayList<>();
        for (int n : anchors.gridSizes()) {
            String scores = null;
            String values = null;
            for (NodeInfo info : outputs.values()) {
                if (hasShape(info, new long[] {1, n, 1})) {
                    scores = info.getName();
                } else if (hasShape(info, new long[] {1, n, BlazeFaceModel.VALUES_PER_ANCHOR})) {
                    values = info.getName();
                }
            }
            if (scores == null || values == null) {
                throw unexpectedModel("outputs of shape [1, " + n + ", 1] and [1, " + n + ", "
                        + BlazeFaceModel.VALUES_PER_ANCHOR + "]", outputs);
            }
            grids.add(new Grid(n, scores, values));
        }
        return new FaceDetector(session, inputs.keySet().iterator().next(), grids, anchors);
    }

    private static boolean hasShape(NodeInfo info, long[] shape) {
        return info.getInfo() instanceof TensorInfo tensor && Arrays.equals(tensor.getShape(), shape)
                && tensor.type == ai.onnxruntime.OnnxJavaType.FLOAT;
    }

    private static ProviderException unexpectedModel(String expected, Map<String, NodeInfo> found) {
        return new ProviderException(ErrorKind.INTERNAL, "the face model " + BlazeFaceModel.RESOURCE
                + " is not the expected BlazeFace short-range model (expected " + expected + ", found "
                + found.values() + "); rebuild acp-content");
    }

    private static byte[] modelBytes() throws ProviderException {
        try (InputStream in = FaceDetector.class.getClassLoader().getResourceAsStream(BlazeFaceModel.RESOURCE)) {
            if (in == null) {
                throw new ProviderException(ErrorKind.INTERNAL, "the face model " + BlazeFaceModel.RESOURCE
                        + " is missing from the class path; rebuild acp-content");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new ProviderException(ErrorKind.INTERNAL, "could not read the face model "
                    + BlazeFaceModel.RESOURCE + " (" + e.getMessage() + "); rebuild acp-content", e);
        }
    }

    /** The model's name and version. */
    public String modelId() {
        return BlazeFaceModel.ID;
    }

    /** The faces in {@code image} with at least {@link #DEFAULT_MIN_SCORE} confidence, best first. */
    public List<Face> detect(BufferedImage image) throws ProviderException {
        return detect(image, DEFAULT_MIN_SCORE);
    }

    /**
     * The faces in {@code image} with at least {@code minScore} confidence, best first, in the
     * image's pixel coordinates.
     *
     * @throws ProviderException {@link ErrorKind#INTERNAL} when ONNX Runtime fails
     */
    public List<Face> detect(BufferedImage image, double minScore) throws ProviderException {
        if (!(minScore >= 0 && minScore <= 1)) {
            throw new IllegalArgumentException("minScore is between 0 and 1, not " + minScore);
        }
        Letterbox letterbox = Letterbox.of(image.getWidth(), image.getHeight(), BlazeFaceModel.INPUT_SIZE);
        float[] input = letterbox.tensor(image);
        float[] logits = new float[anchors.size()];
        float[] values = new float[anchors.size() * BlazeFaceModel.VALUES_PER_ANCHOR];
        OrtEnvironment env = OrtEnvironment.getEnvironment(); // made, telemetry off, by load()
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(input),
                new long[] {1, BlazeFaceModel.INPUT_SIZE, BlazeFaceModel.INPUT_SIZE, 3});
                OrtSession.Result result = session.run(Map.of(inputName, tensor))) {
            int offset = 0;
            for (Grid grid : grids) {
                copy(result, grid.scores(), logits, offset);
                copy(result, grid.values(), values, offset * BlazeFaceModel.VALUES_PER_ANCHOR);
                offset += grid.anchors();
            }
        } catch (OrtException e) {
            throw new ProviderException(ErrorKind.INTERNAL, "ONNX Runtime failed on the face model ("
                    + e.getMessage() + "); please report it", e);
        }
        List<Face> candidates = BlazeFaceModel.decode(anchors, logits, values, minScore);
        List<Face> faces = new ArrayList<>();
        for (Face f : WeightedNms.merge(candidates)) {
            faces.add(toImage(f, letterbox));
        }
        return faces;
    }

    private static void copy(OrtSession.Result result, String name, float[] into, int offset) throws OrtException {
        OnnxTensor tensor = (OnnxTensor) result.get(name).orElseThrow();
        FloatBuffer buffer = tensor.getFloatBuffer();
        buffer.get(into, offset, buffer.remaining());
    }

    /** {@code face}, found in normalised input coordinates, in the pixels of the letterboxed image. */
    private static Face toImage(Face face, Letterbox letterbox) {
        Box b = face.box();
        Point topLeft = letterbox.toImage(b.x(), b.y());
        Point bottomRight = letterbox.toImage(b.right(), b.bottom());
        Box box = Box.ofCorners(topLeft.x(), topLeft.y(), bottomRight.x(), bottomRight.y())
                .clip(letterbox.imageWidth(), letterbox.imageHeight());
        return new Face(box, face.confidence(), face.landmarks().map(p -> letterbox.toImage(p.x(), p.y())));
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            // Nothing is left to release that the process exit would not; a close failure changes no result.
        }
    }
}
