package dev.acp.providers.elevenlabs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.pipeline.Capability;
import dev.acp.provider.Provider.Issue;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderFactory;
import dev.acp.provider.ProviderRegistry;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Validation-time behaviour and the factory: no HTTP. */
class ElevenLabsProviderTest {
    @TempDir
    Path dir;

    private ElevenLabsProvider provider() {
        return (ElevenLabsProvider) new ElevenLabsProviderFactory().create(context());
    }

    private ProviderContext context() {
        return TestContexts.context(dir, Map.of("ELEVENLABS_API_KEY", TestContexts.CANARY_KEY));
    }

    private List<Issue> check(Map<String, Object> params, String extension) {
        return provider().check(Capability.TEXT_TO_SPEECH, null, params, extension);
    }

    @Test
    void should_be_found_by_the_service_loader_with_its_credential() {
        ProviderFactory factory = ServiceLoader.load(ProviderFactory.class).stream().map(ServiceLoader.Provider::get)
                .filter(f -> f.id().equals("elevenlabs")).findFirst().orElseThrow();

        assertThat(factory).isInstanceOf(ElevenLabsProviderFactory.class);
        assertThat(factory.capabilities()).containsExactly(Capability.TEXT_TO_SPEECH);
        assertThat(factory.credentialVariables()).containsExactly("ELEVENLABS_API_KEY");
        assertThat(factory.missingCredentials(TestContexts.context(dir, Map.of()))).get().asString()
                .contains("ELEVENLABS_API_KEY");
        assertThat(factory.missingCredentials(context())).isEmpty();
        assertThat(ProviderRegistry.discover(context()).provider("elevenlabs").id()).isEqualTo("elevenlabs");
    }

    @Test
    void should_accept_the_seed_pipelines() {
        assertThat(check(Map.of("text", "Hello, this is AI-generated speech!", "voice", "Rachel",
                "model", "eleven_monolingual_v1"), "mp3")).isEmpty();
        assertThat(check(Map.of("text", "Welcome from voice one", "voice", "Adam"), "mp3")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"flac", "m4a", "aac"})
    void should_reject_extensions_elevenlabs_cannot_write_and_name_the_supported_ones(String extension) {
        List<Issue> issues = check(Map.of("text", "hi"), extension);

        assertThat(issues).singleElement().satisfies(i -> {
            assertThat(i.parameter()).isNull();
            assertThat(i.message()).contains("." + extension);
            assertThat(i.fix()).contains(".mp3, .wav, .ogg, .opus");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"mp3", "wav", "ogg", "opus"})
    void should_accept_every_extension_with_an_elevenlabs_format(String extension) {
        assertThat(check(Map.of("text", "hi"), extension)).isEmpty();
    }

    @Test
    void should_require_text() {
        assertThat(check(Map.of("voice", "Rachel"), "mp3")).extracting(Issue::parameter).containsExactly("text");
        assertThat(check(Map.of("text", "   "), "mp3")).extracting(Issue::parameter).containsExactly("text");
    }

    @Test
    void should_accept_references_that_are_resolved_at_run_time() {
        Map<String, Object> params = Map.of("text", "{{steps.script.text}}", "voice", "{{inputs.voice}}",
                "stability", "{{inputs.stability}}", "seed", "{{inputs.seed}}", "output_format", "{{inputs.format}}");

        assertThat(check(params, "wav")).isEmpty();
    }

    @Test
    void should_check_ranges_and_types_of_voice_settings_and_seed() {
        Map<String, Object> params = new HashMap<>(Map.of("text", "hi", "stability", 1.5, "similarity_boost", -0.1,
                "style", "very", "speed", 0, "use_speaker_boost", "yes"));
        params.put("seed", 4_294_967_296L);

        assertThat(check(params, "mp3")).extracting(Issue::parameter).containsExactlyInAnyOrder("stability",
                "similarity_boost", "style", "speed", "use_speaker_boost", "seed");
        assertThat(check(Map.of("text", "hi", "seed", -1), "mp3")).extracting(Issue::parameter).containsExactly("seed");
        assertThat(check(Map.of("text", "hi", "seed", 4_294_967_295L, "stability", "0.4", "use_speaker_boost", "true"),
                "mp3")).isEmpty();
    }

    @Test
    void should_check_that_an_explicit_output_format_fits_the_file() {
        assertThat(check(Map.of("text", "hi", "output_format", "wav_22050"), "wav")).isEmpty();
        assertThat(check(Map.of("text", "hi", "output_format", "opus_48000_128"), "ogg")).isEmpty();
        assertThat(check(Map.of("text", "hi", "output_format", "mp3_44100_128"), "wav"))
                .singleElement().satisfies(i -> assertThat(i.fix()).contains("wav_44100"));
        assertThat(check(Map.of("text", "hi", "output_format", "mp3_best"), "mp3"))
                .extracting(Issue::parameter).containsExactly("output_format");
        assertThat(check(Map.of("text", "hi", "output_format", "mp3_44100"), "mp3"))
                .as("mp3 needs a bit rate").hasSize(1);
    }

    @Test
    void should_refuse_text_whose_audio_would_not_fit_before_paying_for_it() {
        String long_ = "word ".repeat(1_200); // 6,000 characters: about 10 minutes of slow speech

        assertThat(check(Map.of("text", long_), "wav")).singleElement().satisfies(i -> {
            assertThat(i.parameter()).isEqualTo("text");
            assertThat(i.fix()).contains(".mp3");
        });
        assertThat(check(Map.of("text", long_), "mp3")).isEmpty();
        assertThat(check(Map.of("text", long_, "output_format", "wav_16000"), "wav")).isEmpty();
    }

    @Test
    void should_refuse_other_capabilities() {
        assertThat(provider().check(Capability.TEXT_TO_IMAGE, null, Map.of("prompt", "x"), "png")).hasSize(1);
    }

    @Test
    void should_declare_what_it_reads_and_warn_that_a_description_is_not_applied() {
        ElevenLabsProvider p = provider();

        assertThat(p.parameters(Capability.TEXT_TO_SPEECH)).contains("text", "voice", "model", "stability",
                "similarity_boost", "style", "use_speaker_boost", "speed", "seed", "language", "output_format",
                "emotion", "intensity", "description").doesNotContain("pitch");
        assertThat(p.check(Capability.TEXT_TO_SPEECH, "eleven_v3", Map.of("text", "x", "emotion", "sad",
                "description", "tired"), "mp3")).singleElement().satisfies(i -> {
                    assertThat(i.isWarning()).isTrue();
                    assertThat(i.parameter()).isEqualTo("description");
                });
        assertThat(p.check(Capability.TEXT_TO_SPEECH, null, Map.of("text", "x", "emotion", "sad"), "mp3")).isEmpty();
        assertThat(p.costsMoney()).isTrue();
        assertThat(p.deterministic(Capability.TEXT_TO_SPEECH, Map.of("text", "x", "seed", 1))).isTrue();
        assertThat(p.deterministic(Capability.TEXT_TO_SPEECH, Map.of("text", "x"))).isFalse();
    }

    @Test
    void should_suggest_close_voice_names() {
        assertThat(VoiceDirectory.closest("Rachell", java.util.Set.of("Rachel", "Adam", "Rachael", "Bella"), 5))
                .containsExactly("Rachel", "Rachael");
        assertThat(VoiceDirectory.closest("sam", java.util.Set.of("Samantha Studio", "Adam"), 5))
                .containsExactly("Samantha Studio");
        assertThat(VoiceDirectory.closest("Zebedee", java.util.Set.of("Adam", "Bella"), 5)).isEmpty();
    }

    @Test
    void should_cut_locale_tags_to_the_language() {
        assertThat(SpeechConfig.languageCode("en-US")).isEqualTo("en");
        assertThat(SpeechConfig.languageCode("pt_BR")).isEqualTo("pt");
        assertThat(SpeechConfig.languageCode("DE")).isEqualTo("de");
    }
}
