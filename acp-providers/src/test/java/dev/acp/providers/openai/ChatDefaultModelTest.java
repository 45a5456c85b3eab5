package dev.acp.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.pipeline.Capability;
import dev.acp.provider.Provider;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A chat provider tells estimates which model it calls for steps that name none: the one of
 * {@code ACP_<ID>_MODEL} when set, else nothing (the pricing catalog's default is the same model
 * as the provider's own).
 */
final class ChatDefaultModelTest {
    @TempDir
    Path dir;

    @Test
    void acp_model_variables_name_the_model_called_for_steps_without_one() {
        Provider chosen = new OpenRouterProviderFactory().create(ChatFixtures.context(
                Map.of("ACP_OPENROUTER_MODEL", " anthropic/claude-3.5-sonnet "), dir));
        assertThat(chosen.configuredDefaultModel(Capability.PROMPT_GENERATION)).hasValue("anthropic/claude-3.5-sonnet");
        assertThat(chosen.configuredDefaultModel(Capability.STORY_TO_SCENES)).hasValue("anthropic/claude-3.5-sonnet");
        assertThat(chosen.configuredDefaultModel(Capability.TEXT_TO_IMAGE)).isEmpty();

        Provider local = new OpenAiProviderFactory().create(ChatFixtures.context(Map.of("ACP_OPENAI_MODEL", "llama3.2"),
                dir));
        assertThat(local.configuredDefaultModel(Capability.IMAGE_UNDERSTANDING)).hasValue("llama3.2");
        // Its speech and image models are its own choice too (ACP_OPENAI_SPEECH_MODEL, ACP_OPENAI_IMAGE_MODEL).
        assertThat(local.configuredDefaultModel(Capability.TEXT_TO_IMAGE)).hasValue("gpt-image-1");

        Provider unset = new OpenRouterProviderFactory().create(ChatFixtures.context(Map.of(), dir));
        assertThat(unset.configuredDefaultModel(Capability.PROMPT_GENERATION)).isEqualTo(Optional.empty());
    }
}
