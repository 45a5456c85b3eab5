package dev.acp.local;

import dev.acp.env.Environment;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.local.media.FfmpegBinary;
import dev.acp.local.media.FfmpegLocator;
import dev.acp.local.process.CommandResult;
import dev.acp.local.process.ExternalCommand;
import dev.acp.provider.AccessCheck;
import dev.acp.pipeline.Capability;
import dev.acp.provider.Provider;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The offline provider {@code local}. Costs nothing, needs no key or network, and is a {@link
 * #preview() preview} provider: its images and videos are labelled stand-ins, its speech is real
 * but robotic, its text is rule-based, and every result says so in its metadata ({@code preview:
 * true}, the engine used, and notes on ignored inputs such as cloud voice names).
 *
 * <p>Thread-safe; one instance serves any number of steps at once. The FreeTTS voice pool and the
 * extracted ffmpeg and font are shared by all of them.
 */
public final class LocalProvider implements Provider {
    /** The provider id used in pipeline files. */
    public static final String ID = "local";

    /** Exactly the capabilities served. */
    public static final Set<Capability> CAPABILITIES = Collections.unmodifiableSet(EnumSet.of(
            Capability.TEXT_TO_IMAGE,
            Capability.IMAGE_TO_IMAGE,
            Capability.TEXT_TO_SPEECH,
            Capability.TEXT_TO_VIDEO,
            Capability.IMAGE_TO_VIDEO,
            Capability.PROMPT_GENERATION,
            Capability.IMAGE_UNDERSTANDING,
            Capability.STORY_TO_SCENES,
            Capability.ASSEMBLE_VIDEO,
            Capability.VIDEO_TO_VIDEO));

    private final Map<Capability, CapabilityHandler> handlers;
    private final LocalServices services;

    /** A provider reading tools and state from the context's environment and {@code acpHome}. */
    public LocalProvider(ProviderContext context) {
        this(context.environment(), context.acpHome());
    }

    /**
     * @param environment where {@code PATH} (for ffmpeg and espeak-ng) and {@code ACP_FFMPEG} are read
     * @param acpHome the state folder; the bundled ffmpeg and font are extracted under {@code tools/}
     */
    public LocalProvider(Environment environment, Path acpHome) {
        LocalServices services = LocalServices.create(
                Objects.requireNonNull(environment, "environment"), Objects.requireNonNull(acpHome, "acpHome"));
        Map<Capability, CapabilityHandler> map = new EnumMap<>(Capability.class);
        map.put(Capability.TEXT_TO_IMAGE, new TextToImageHandler(services));
        map.put(Capability.IMAGE_TO_IMAGE, new ImageToImageHandler(services));
        map.put(Capability.TEXT_TO_SPEECH, new TextToSpeechHandler(services));
        map.put(Capability.TEXT_TO_VIDEO, new VideoHandler(services, Capability.TEXT_TO_VIDEO));
        map.put(Capability.IMAGE_TO_VIDEO, new VideoHandler(services, Capability.IMAGE_TO_VIDEO));
        map.put(Capability.PROMPT_GENERATION, new PromptGenerationHandler());
        map.put(Capability.IMAGE_UNDERSTANDING, new ImageUnderstandingHandler(services));
        map.put(Capability.STORY_TO_SCENES, new StoryToScenesHandler());
        map.put(Capability.ASSEMBLE_VIDEO, new AssembleVideoHandler(services));
        map.put(Capability.VIDEO_TO_VIDEO, new VideoToVideoHandler(services));
        this.handlers = Collections.unmodifiableMap(map);
        this.services = services;
    }

    /** The engines the previews use: ffmpeg (runs {@code -version}) and the speech engine. */
    @Override
    public AccessCheck checkAccess() throws InterruptedException {
        FfmpegBinary binary;
        try {
            binary = services.ffmpeg().binary();
        } catch (ProviderException e) {
            return new AccessCheck(AccessCheck.Status.FAILED, "no ffmpeg: " + e.getMessage(),
                    "install ffmpeg, or set " + FfmpegLocator.ENV_VARIABLE + " to an ffmpeg binary");
        }
        StringBuilder version = new StringBuilder();
        try {
            CommandResult r = ExternalCommand.run(List.of(binary.path().toString(), "-version"),
                    line -> {
                        if (version.isEmpty()) {
                            version.append(line.replaceFirst("^ffmpeg version (\\S+).*$", "$1"));
                        }
                    });
            if (!r.succeeded()) {
                return new AccessCheck(AccessCheck.Status.FAILED, "ffmpeg at " + binary.path() + " does not run: "
                        + r.stderr(), "set " + FfmpegLocator.ENV_VARIABLE + " to a working ffmpeg binary");
            }
        } catch (IOException e) {
            return new AccessCheck(AccessCheck.Status.FAILED, "ffmpeg at " + binary.path() + " cannot start: "
                    + e.getMessage(), "set " + FfmpegLocator.ENV_VARIABLE + " to a working ffmpeg binary");
        }
        String where = switch (binary.source()) {
            case ENVIRONMENT -> "from " + FfmpegLocator.ENV_VARIABLE;
            case PATH -> "on the PATH";
            case BUNDLED -> "bundled";
        };
        return AccessCheck.ok("previews (labelled as such); ffmpeg " + version + " " + where + " at " + binary.path()
                + "; speech by " + services.speechEngine().name());
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public boolean preview() {
        return true;
    }

    /**
     * 2: a film comes with {@code .timeline.json} (its real timings) and scenes say their durations
     * are estimates; a film cached by revision 1 would come back without its timings.
     */
    @Override
    public String revision() {
        return "2";
    }

    @Override
    public Set<String> parameters(Capability capability) {
        CapabilityHandler handler = handlers.get(capability);
        return handler == null ? Set.of() : handler.parameters();
    }

    @Override
    public List<Issue> check(
            Capability capability, @Nullable String model, Map<String, Object> parameters, String outputExtension) {
        CapabilityHandler handler = handlers.get(capability);
        if (handler == null) {
            return List.of(new Issue(null, "the local provider cannot do " + capability,
                    "choose a provider that offers " + capability + ", or remove provider: local from this step"));
        }
        return handler.check(parameters, outputExtension.toLowerCase(java.util.Locale.ROOT));
    }

    @Override
    public ProviderResult execute(ProviderRequest request) throws ProviderException, InterruptedException {
        CapabilityHandler handler = handlers.get(request.capability());
        if (handler == null) {
            throw new ProviderException(ErrorKind.VALIDATION, "the local provider cannot do " + request.capability()
                    + "; choose a provider that offers it");
        }
        try {
            return handler.execute(request);
        } catch (IOException | UncheckedIOException e) {
            throw new ProviderException(ErrorKind.LOCAL, "local " + request.capability() + " failed: " + e.getMessage()
                    + "; check that the output folder and ACP_HOME are writable and have free space", e);
        }
    }

    @Override
    public String toString() {
        return "LocalProvider" + CAPABILITIES;
    }
}
