package dev.acp.content.steps;

import dev.acp.error.ProviderException;
import dev.acp.pipeline.Capability;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;

/** One content step type: how its parameters are read and how it runs. */
sealed interface ContentStep permits ShotsStep, FacesStep, EmbedStep, SearchStep, ClusterStep, QualityStep {

    Capability capability();

    /** Reads every parameter, recording problems in {@code p}; the same at validation and at run time. */
    void read(StepParams p);

    /** Runs the step; its parameters were read without problems. */
    ProviderResult run(ProviderRequest request, StepParams p) throws ProviderException, InterruptedException;
}
