package dev.acp.local;

import dev.acp.error.ProviderException;
import dev.acp.pipeline.Capability;
import dev.acp.provider.Provider.Issue;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Serves one or two capabilities of the local provider. */
sealed interface CapabilityHandler
        permits TextToImageHandler, ImageToImageHandler, TextToSpeechHandler, VideoHandler, PromptGenerationHandler,
                ImageUnderstandingHandler, StoryToScenesHandler,
                AssembleVideoHandler, VideoToVideoHandler {

    /** The parameters this handler reads for its capability. */
    Set<String> parameters();

    /** The capability this handler serves. */
    Capability capability();

    /** Reads every parameter of a step, which records its problems in {@code params}. */
    void validate(Params params);

    /** Validation-time problems of a step, given its raw parameters and output extension. */
    default List<Issue> check(Map<String, Object> parameters, String outputExtension) {
        Params p = Params.forCheck(parameters);
        validate(p);
        OutputFormats.check(capability(), outputExtension, p);
        return p.issues();
    }

    ProviderResult execute(ProviderRequest request) throws ProviderException, InterruptedException, IOException;
}
