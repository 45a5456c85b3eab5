package dev.acp.content.shots;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.content.shots.TestVideos.Segment;
import dev.acp.content.shots.TestVideos.Truth;
import dev.acp.local.media.Ffmpeg;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The larger, randomised check, outside the default build ({@code ./mvnw -pl acp-content -am test
 * -Pshots-suite}): {@code shots.suite.videos} videos (default 12) of ten segments each, at 24, 25
 * or 30 fps and three sizes, with random sources, cuts, dissolves of 0.5 to 1.5 s and fades of
 * 0.3 to 0.8 s each way, each source showing alone for 1.5 to 3 s between its transitions. Seeds
 * are fixed, so a failure repeats.
 */
@Tag("shots-suite")
class ShotDetectorSuiteTest {
    /**
     * Moving and still sources. Not {@code cellauto} or {@code life}: pictures that change all over
     * on every frame, like noise, hide the blend of a dissolve (see the README's limits).
     */
    private static final String[] SOURCES = {"testsrc2", "mandelbrot", "testsrc", "smptebars", "rgbtestsrc",
        "smptehdbars", "yuvtestsrc", "color=c=0x3070b0", "color=c=0xc08030", "mandelbrot=inner=period"};
    private static final int[] RATES = {24, 25, 30};
    private static final String[] SIZES = {"128x72", "160x90", "192x108"};

    @TempDir
    Path dir;

    @Test
    void random_videos_score_above_the_bars() throws Exception {
        Ffmpeg ffmpeg = TestVideos.ffmpeg();
        int videos = Integer.getInteger("shots.suite.videos", 12);
        BoundaryScore cuts = new BoundaryScore(0, 0, 0);
        BoundaryScore gradual = new BoundaryScore(0, 0, 0);
        for (int v = 0; v < videos; v++) {
            Random random = new Random(1000 + v);
            int fps = RATES[random.nextInt(RATES.length)];
            int count = 10;
            Transition[] into = new Transition[count];
            double[] length = new double[count];
            for (int i = 0; i < count; i++) {
                double roll = random.nextDouble();
                into[i] = i == 0 ? Transition.START
                        : roll < 0.5 ? Transition.CUT : roll < 0.8 ? Transition.DISSOLVE : Transition.FADE;
                length[i] = switch (into[i]) {
                    case DISSOLVE -> 0.5 + random.nextInt(3) * 0.5;
                    case FADE -> 0.3 + random.nextInt(6) * 0.1;
                    case START, CUT -> 0;
                };
            }
            List<Segment> segments = new ArrayList<>();
            String previous = "";
            for (int i = 0; i < count; i++) {
                String source;
                do {
                    source = SOURCES[random.nextInt(SOURCES.length)];
                } while (source.equals(previous));
                previous = source;
                // Between 1.5 and 3 s of the source alone, plus whatever the transitions at either end take.
                double seconds = 1.5 + random.nextInt(4) * 0.5 + length[i] + (i + 1 < count ? length[i + 1] : 0);
                segments.add(new Segment(source, seconds, into[i], length[i]));
            }
            Path file = dir.resolve("suite-" + v + ".mp4");
            List<Truth> truths = TestVideos.make(ffmpeg, file, SIZES[random.nextInt(SIZES.length)], fps, segments);
            ShotList list = new ShotDetector(ffmpeg).detect(file, ShotOptions.DEFAULTS);
            List<Shot> found = list.shots().subList(1, list.shots().size());
            BoundaryScore c = BoundaryScore.of(truths, found, t -> t == Transition.CUT, 2);
            BoundaryScore g = BoundaryScore.of(truths, found,
                    t -> t == Transition.DISSOLVE || t == Transition.FADE, fps * 0.5);
            System.out.printf("video %d (%d fps): cuts %s; gradual %s%n  segments %s%n  made %s%n  found %s%n", v, fps, c, g, segments.stream().map(s -> s.source() + " " + s.seconds() + " " + s.into() + " " + s.transitionSeconds()).toList(),
                    truths, found.stream().map(s -> s.startFrame() + " " + s.transition().wireName()).toList());
            cuts = cuts.plus(c);
            gradual = gradual.plus(g);
        }
        System.out.println("cuts " + cuts + "; dissolves and fades " + gradual);
        assertThat(cuts.precision()).as("cuts %s", cuts).isGreaterThanOrEqualTo(0.95);
        assertThat(cuts.recall()).as("cuts %s", cuts).isGreaterThanOrEqualTo(0.95);
        assertThat(gradual.precision()).as("gradual %s", gradual).isGreaterThanOrEqualTo(0.8);
        assertThat(gradual.recall()).as("gradual %s", gradual).isGreaterThanOrEqualTo(0.8);
    }
}
