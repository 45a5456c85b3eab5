package dev.acp.providers.openai;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.providers.openai.internal.ChatMessage;
import dev.acp.providers.openai.internal.ContentPart;
import dev.acp.providers.support.DataUris;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@code image_understanding}: asks a vision model a question ({@code prompt} or
 * {@code question}, by default "describe this image") about one image. A local {@code image} is
 * sent inline as a {@code data:} URI; an http(s) URL or a {@code data:} URI is sent as given, for
 * the server to fetch. {@code detail} ({@code low}, {@code high}, {@code auto}) is passed on for
 * servers that read it.
 */
final class ImageUnderstanding implements ChatTask {
    /** OpenAI's limit for one inline image; larger files are refused before anything is paid. */
    static final long MAX_IMAGE_BYTES = 20L * 1024 * 1024;
    /** The formats OpenAI, OpenRouter's vision models and Ollama accept. */
    static final Set<String> IMAGE_TYPES = Set.of("png", "jpg", "jpeg", "webp", "gif");
    static final String DEFAULT_QUESTION = "Describe this image in detail: subject, setting, composition, colours,"
            + " lighting and mood.";
    private static final String[] IMAGE_KEYS = {"image", "image_url", "image_path"};
    private static final Set<String> DETAILS = Set.of("low", "high", "auto");
    private static final Set<String> PARAMETERS =
            ChatTask.withCommon("image", "image_url", "image_path", "prompt", "question", "detail");

    @Override
    public Set<String> parameters() {
        return PARAMETERS;
    }

    @Override
    public Exchange exchange(StepParams params, String provider) throws ProviderException {
        String image = params.required("image_understanding needs an image",
                "set config.image to an image file or URL", IMAGE_KEYS);
        String question = params.text("prompt", "question").orElse(DEFAULT_QUESTION);
        String detail = params.deferred("detail") ? null : params.text("detail").map(d -> d.toLowerCase(Locale.ROOT))
                .orElse(null);
        if (detail != null && !DETAILS.contains(detail)) {
            params.issue("detail", "detail must be low, high or auto, not '" + detail + "'", "remove it or set 'detail: auto'");
            detail = null;
        }
        String url = "";
        if (!image.isEmpty() && !params.anyDeferred(IMAGE_KEYS)) {
            if (remote(image)) {
                url = image;
            } else if (!IMAGE_TYPES.contains(extension(image))) {
                params.issue(presentKey(params), "'" + fileName(image) + "' is not an image format the"
                        + " chat models read (" + String.join(", ", new java.util.TreeSet<>(IMAGE_TYPES)) + ")",
                        "convert it to PNG or JPEG first");
            } else if (!params.checking()) {
                url = DataUris.of(Path.of(image), MAX_IMAGE_BYTES, provider);
            }
        }
        List<ChatMessage> messages = new ArrayList<>();
        // No built-in system message: vision models answer best to the user's question alone.
        params.text("system").ifPresent(s -> messages.add(ChatMessage.system(s)));
        messages.add(ChatMessage.user(List.of(new ContentPart.TextPart(question),
                new ContentPart.ImagePart(new ContentPart.ImageUrl(url, detail)))));
        return new Exchange(messages, null);
    }

    @Override
    public Answer answer(Completion completion, StepParams params, String provider) throws ProviderException {
        String text = completion.text().strip();
        if (text.isEmpty()) {
            throw new ProviderException(ErrorKind.TRANSIENT, provider + ": the answer is empty" + completion.costNote(),
                    null, PromptGeneration.firstId(completion), null);
        }
        String image = params.text(IMAGE_KEYS).orElse("");
        String source = image.startsWith("data:") ? "data uri" : remote(image) ? "url" : "file";
        return new Answer(text, Map.of("image_source", source,
                "question", params.text("prompt", "question").isPresent() ? "given" : "default (describe)"));
    }

    private static boolean remote(String ref) {
        String r = ref.toLowerCase(Locale.ROOT);
        return r.startsWith("http://") || r.startsWith("https://") || r.startsWith("data:");
    }

    private static String fileName(String file) {
        String name = file.replace('\\', '/');
        return name.substring(name.lastIndexOf('/') + 1);
    }

    private static String extension(String file) {
        String name = fileName(file);
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static @Nullable String presentKey(StepParams params) {
        for (String k : IMAGE_KEYS) {
            if (params.text(k).isPresent()) {
                return k;
            }
        }
        return null;
    }
}
