package dev.acp.engine;

import dev.acp.error.ProviderException;
import dev.acp.pipeline.Capability;
import dev.acp.provider.Provider;
import dev.acp.provider.ProviderFactory;
import dev.acp.provider.ProviderRegistry;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import dev.acp.provider.StepContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Scores the outputs of a {@code best_quality} group's members that reported no score themselves
 * (remote images and videos): with {@code score_quality} of an installed provider that costs
 * nothing (the content engines), never a paid one, so choosing the best take adds nothing to the bill.
 */
final class QualityJudge {
    private final Optional<Provider> judge;

    private QualityJudge(Optional<Provider> judge) {
        this.judge = judge;
    }

    static QualityJudge of(ProviderRegistry registry) {
        for (ProviderFactory f : registry.factories()) {
            if (f.capabilities().contains(Capability.SCORE_QUALITY)) {
                Provider p = registry.provider(f.id());
                if (!p.costsMoney() && !p.preview()) {
                    return new QualityJudge(Optional.of(p));
                }
            }
        }
        return new QualityJudge(Optional.empty());
    }

    boolean available() {
        return judge.isPresent();
    }

    /** The output's overall quality in [0, 1], or empty when there is no judge or it cannot read the file. */
    OptionalDouble score(String groupId, Path output) throws InterruptedException {
        if (judge.isEmpty() || !Files.isRegularFile(output)) {
            return OptionalDouble.empty();
        }
        LazyScratch scratch = new LazyScratch(groupId + "-judge");
        StepContext context = new StepContext() {
            @Override
            public Path scratchDirectory() {
                return scratch.get();
            }

            @Override
            public void progress(double fraction, String message) {
                // A group's judging is quick and has no row of its own on the display.
            }
        };
        try {
            Path answer = scratch.get().resolve("score.json");
            ProviderResult r = judge.get().execute(new ProviderRequest(groupId, Capability.SCORE_QUALITY, null,
                    Map.of("file", output.toString()), answer, context));
            return r.qualityScore() == null ? OptionalDouble.empty() : OptionalDouble.of(r.qualityScore());
        } catch (ProviderException e) {
            return OptionalDouble.empty(); // a file the judge cannot read keeps "no score"
        } finally {
            scratch.delete();
        }
    }
}
