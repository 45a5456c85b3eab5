package dev.acp.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.local.text.SceneSplitter;
import dev.acp.local.text.ScenePrompts;
import dev.acp.local.text.StoryScene;
import dev.acp.pipeline.Capability;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import java.util.ArrayList;
import java.util.IllformedLocaleException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code story_to_scenes} offline: the rule-based {@link SceneSplitter}. The text result is the
 * one scene shape every provider returns, {@code {"scenes":[{"title", "description",
 * "image_prompt", "narration", "duration"}]}}, so later steps do not care which provider split the
 * story.
 */
final class StoryToScenesHandler implements CapabilityHandler {
    static final String GENERATOR = "rule-based scene splitter (not AI)";
    static final double DEFAULT_WORDS_PER_MINUTE = 150;
    /** Names where the scenes' durations come from; always an estimate before narration exists. */
    static final String DURATION_SOURCE = "duration_source";
    static final String ESTIMATE = "estimate";
    private static final Set<String> PARAMETERS =
            Set.of("story", "text", "num_scenes", "style", "words_per_minute", "language", "model", "seed");
    /** Made on first use: a mapper's start-up is a large part of a short command that never needs it. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    record Plan(String story, SceneSplitter.Options options) {}

    static Plan plan(Params p) {
        String story = p.text("story", "text").orElse("");
        if (story.isEmpty() && !p.isDeferred("story") && !p.isDeferred("text")) {
            p.issue("story", "story_to_scenes needs a story", "set config.story to the story or script to split into scenes");
        }
        Optional<Integer> scenes = p.integer("num_scenes", 1, SceneSplitter.MAX_SCENES,
                "set num_scenes between 1 and " + SceneSplitter.MAX_SCENES + ", or leave it out for one scene per ~40 words");
        String style = p.isDeferred("style") ? "" : p.text("style").orElse("");
        double wpm = p.number("words_per_minute", 40, 400, null, "set words_per_minute between 40 and 400 (150 is a calm narration)")
                .orElse(DEFAULT_WORDS_PER_MINUTE);
        Optional<Locale> language = Optional.empty();
        Optional<String> tag = p.isDeferred("language") ? Optional.empty() : p.text("language");
        if (tag.isPresent()) {
            try {
                Locale locale = new Locale.Builder().setLanguageTag(tag.get().strip().replace('_', '-')).build();
                language = locale.getLanguage().isEmpty() ? Optional.empty() : Optional.of(locale);
            } catch (IllformedLocaleException e) {
                p.issue("language", "language '" + tag.get() + "' is not a language tag",
                        "use a tag such as en, de, ja or ar, or leave it out to detect the language");
            }
        }
        return new Plan(story, new SceneSplitter.Options(scenes, style, wpm, language));
    }

    @Override
    public Set<String> parameters() {
        return PARAMETERS;
    }

    @Override
    public Capability capability() {
        return Capability.STORY_TO_SCENES;
    }

    @Override
    public void validate(Params p) {
        Plan plan = plan(p);
        // A literal story is known now: refuse an over-long one before anything runs.
        if (!plan.story().isEmpty() && !p.isDeferred("story") && !p.isDeferred("text")) {
            try {
                SceneSplitter.checkStory(plan.story());
            } catch (SceneSplitter.StoryRejectedException e) {
                p.issue(p.has("story") ? "story" : "text", e.getMessage(), "shorten the story or split it into parts");
            }
        }
    }

    @Override
    public ProviderResult execute(ProviderRequest request) throws ProviderException, InterruptedException {
        Params p = Params.forExecute(request.parameters());
        Plan plan = plan(p);
        OutputFormats.check(Capability.STORY_TO_SCENES, request.outputExtension(), p);
        p.throwIfInvalid();
        request.context().checkCancelled();
        request.context().progress(-1, "splitting the story into scenes");
        SceneSplitter.Result result;
        try {
            result = SceneSplitter.split(plan.story(), plan.options());
        } catch (SceneSplitter.StoryRejectedException e) {
            throw new ProviderException(ErrorKind.VALIDATION, e.getMessage());
        }
        List<Map<String, Object>> sceneMaps = new ArrayList<>();
        for (StoryScene s : result.scenes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("title", s.title());
            m.put("description", s.description());
            m.put("image_prompt", s.imagePrompt());
            m.put("narration", s.narration());
            m.put("duration", s.duration());
            sceneMaps.add(m);
        }
        String style = plan.options().style();
        Metadata meta = Metadata.forRequest(request)
                .put("generator", GENERATOR)
                .put("scene_count", result.scenes().size())
                .put("words", result.words())
                .put("sentences", result.sentences())
                .put("language", result.language().toLanguageTag())
                .put("style", style.isEmpty() ? "none" : style)
                .put("style_known", ScenePrompts.isKnownStyle(style))
                .put("words_per_minute", plan.options().wordsPerMinute())
                .put(DURATION_SOURCE, ESTIMATE)
                .putRounded("total_duration", result.scenes().stream().mapToDouble(StoryScene::duration).sum())
                .put("scenes", sceneMaps);
        plan.options().scenes().ifPresent(n -> meta.put("requested_scenes", n));
        result.note().ifPresent(note -> meta.put("note", note));
        request.context().progress(1, result.scenes().size() + " scenes");
        return ProviderResult.text(toJson(result.scenes(), plan.options().wordsPerMinute()), meta.build());
    }

    /**
     * The canonical scene JSON, pretty-printed; whole-second durations written as integers. The
     * durations are estimates from the word count (no narration exists yet), and the file says
     * so: the film's real timings are written beside the film by {@code assemble_video}.
     */
    static String toJson(List<StoryScene> scenes, double wordsPerMinute) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put(DURATION_SOURCE, ESTIMATE);
        if (wordsPerMinute == Math.rint(wordsPerMinute)) {
            root.put("words_per_minute", (long) wordsPerMinute);
        } else {
            root.put("words_per_minute", wordsPerMinute);
        }
        ArrayNode list = root.putArray("scenes");
        for (StoryScene s : scenes) {
            ObjectNode o = list.addObject()
                    .put("title", s.title())
                    .put("description", s.description())
                    .put("image_prompt", s.imagePrompt())
                    .put("narration", s.narration());
            if (s.duration() == Math.rint(s.duration())) {
                o.put("duration", (long) s.duration());
            } else {
                o.put("duration", s.duration());
            }
        }
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write scenes", e);
        }
    }
}
