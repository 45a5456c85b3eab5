package dev.acp.engine;

import static dev.acp.engine.StepRunFixture.thrown;
import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.engine.StepRunFixture.Events;
import dev.acp.engine.StepRunFixture.ScriptedCalls;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import dev.acp.provider.SideFile;
import dev.acp.util.Hashing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link OutputPlacer} on its own: an attempt writes under a hidden temporary name beside the
 * target, its side files (only those handed out by the request) are placed before the main output,
 * and when the step ends nothing is left under a temporary name except a paid result that could
 * not be placed.
 */
@Timeout(30)
class OutputPlacerTest {
    @TempDir
    Path dir;

    private final Events events = new Events();
    private StepRunFixture fx;
    private StepRun s;
    private OutputPlacer out;
    private Path target;

    @BeforeEach
    void setUp() {
        fx = new StepRunFixture(dir, StepRunFixture.oneStep("speech", "", ""), events,
                new ScriptedCalls(events, "speech", true));
        fx.runId = "20261201-100000-abc123";
        s = fx.stepRun();
        s.attempt = 3;
        out = new OutputPlacer(s);
        target = dir.resolve("out/hero.png");
    }

    @Test
    void the_temporary_name_is_hidden_beside_the_target_and_names_the_run_and_the_attempt() {
        assertThat(s.t.outputPath()).isEqualTo(target);
        assertThat(out.newTemporary()).isEqualTo(dir.resolve("out/.hero.partial-20261201-100000-abc123-3.png"));
        s.attempt = 4;
        assertThat(out.newTemporary()).hasFileName(".hero.partial-20261201-100000-abc123-4.png");
    }

    @Test
    void the_temporary_name_keeps_only_the_last_extension_apart() {
        fx = new StepRunFixture(dir.resolve("dots"), StepRunFixture.oneStep("speech", "", "").replace("    config:",
                "    output_filename: cover.v2.png\n    config:"), events, new ScriptedCalls(events, "speech", true));
        StepRun dotted = fx.stepRun();
        dotted.attempt = 1;
        assertThat(new OutputPlacer(dotted).newTemporary()).hasFileName(".cover.v2.partial-run-1-1.png");
    }

    @Test
    void a_written_file_is_moved_into_place_with_its_hash_and_no_temporary_name_is_left() throws Exception {
        ProviderRequest request = StepRunFixture.request(s, out);
        Files.writeString(request.outputFile(), "pixels");

        OutputPlacer.Placed placed = out.place(ProviderResult.file(Map.of()), request, true);

        assertThat(placed.output()).isEqualTo(target);
        assertThat(target).hasContent("pixels");
        assertThat(placed.sha256()).isEqualTo(Hashing.sha256(target));
        assertThat(placed.sides()).isEmpty();
        assertThat(request.outputFile()).doesNotExist();
        out.cleanUp();
        assertThat(target).as("a placed output is never cleaned up").hasContent("pixels");
        assertThat(hidden()).isEmpty();
    }

    @Test
    void the_hash_the_provider_computed_while_writing_is_trusted() throws Exception {
        ProviderRequest request = StepRunFixture.request(s, out);
        Files.writeString(request.outputFile(), "pixels");
        String reported = "ab".repeat(32);

        OutputPlacer.Placed placed = out.place(ProviderResult.file(Map.of()).withOutputSha256(reported), request, false);

        assertThat(placed.sha256()).isEqualTo(reported);
        assertThat(target).hasContent("pixels");
    }

    @Test
    void a_text_result_is_written_through_the_temporary_name() throws Exception {
        ProviderRequest request = StepRunFixture.request(s, out);

        OutputPlacer.Placed placed = out.place(ProviderResult.text("a poem", Map.of()), request, true);

        assertThat(target).hasContent("a poem");
        assertThat(placed.sha256()).isEqualTo(Hashing.sha256("a poem"));
        assertThat(hidden()).isEmpty();
    }

    @Test
    void a_provider_that_reports_a_file_it_did_not_write_is_an_internal_error() throws Exception {
        ProviderRequest request = StepRunFixture.request(s, out);
        ProviderException missing = thrown(ProviderException.class,
                () -> out.place(ProviderResult.file(Map.of()), request, true));
        assertThat(missing.kind()).isEqualTo(ErrorKind.INTERNAL);
        assertThat(missing.getMessage()).contains("provider 'speech' reported an output file but wrote nothing");

        Files.writeString(request.outputFile(), "");
        ProviderException empty = thrown(ProviderException.class,
                () -> out.place(ProviderResult.file(Map.of()), request, true));
        assertThat(empty.kind()).isEqualTo(ErrorKind.INTERNAL);
        assertThat(target).doesNotExist();
    }

    @Test
    void a_side_file_handed_out_by_the_request_is_placed_beside_the_output_before_it() throws Exception {
        ProviderRequest request = StepRunFixture.request(s, out);
        Files.writeString(request.outputFile(), "pixels");
        SideFile srt = request.sideFile(".srt");
        Files.writeString(srt.written(), "1\n00:00 hello");

        OutputPlacer.Placed placed = out.place(ProviderResult.file(Map.of()).withSideFiles(List.of(srt)), request,
                true);

        Path srtTarget = dir.resolve("out/hero.srt");
        assertThat(srtTarget).hasContent("1\n00:00 hello");
        assertThat(srt.written()).doesNotExist();
        assertThat(placed.sides()).singleElement().satisfies(w -> {
            assertThat(w.path()).isEqualTo(srtTarget);
            assertThat(w.content().suffix()).isEqualTo(".srt");
            assertThat(w.content().sha256()).isEqualTo(Hashing.sha256("1\n00:00 hello"));
            assertThat(w.content().folder()).isFalse();
        });
        out.cleanUp();
        assertThat(srtTarget).as("placed: no longer at its written name, so not deleted").exists();
    }

    @Test
    void a_side_file_not_obtained_from_the_request_is_refused_before_anything_is_placed() throws Exception {
        ProviderRequest request = StepRunFixture.request(s, out);
        Files.writeString(request.outputFile(), "pixels");
        // A side file of the same output, but as another attempt (another temporary name) would write it.
        SideFile foreign = SideFile.of(dir.resolve("out/.hero.partial-other-1.png"), target, ".srt");
        assertThat(foreign.written()).isNotEqualTo(SideFile.of(request.outputFile(), target, ".srt").written());
        Files.writeString(foreign.written(), "subtitles");

        ProviderException e = thrown(ProviderException.class,
                () -> out.place(ProviderResult.file(Map.of()).withSideFiles(List.of(foreign)), request, true));

        assertThat(e.kind()).isEqualTo(ErrorKind.INTERNAL);
        assertThat(e.getMessage()).contains("did not get from ProviderRequest.sideFile");
        assertThat(target).as("side files are checked before the main output moves").doesNotExist();
        assertThat(request.outputFile()).exists();
        assertThat(dir.resolve("out/hero.srt")).doesNotExist();

        // Without the request it was made for, no side file can be checked: refused too.
        ProviderException noRequest = thrown(ProviderException.class, () -> out.place(ProviderResult.file(Map.of())
                .withSideFiles(List.of(SideFile.of(request.outputFile(), target, ".srt"))), null, true));
        assertThat(noRequest.getMessage()).contains("did not get from ProviderRequest.sideFile");
    }

    @Test
    void a_side_file_listed_but_not_written_or_listed_twice_is_refused() throws Exception {
        ProviderRequest request = StepRunFixture.request(s, out);
        Files.writeString(request.outputFile(), "pixels");
        SideFile srt = request.sideFile(".srt");

        ProviderException unwritten = thrown(ProviderException.class,
                () -> out.place(ProviderResult.file(Map.of()).withSideFiles(List.of(srt)), request, true));
        assertThat(unwritten.getMessage()).contains("reported the side file").contains("but wrote nothing");

        Files.writeString(srt.written(), "subtitles");
        ProviderException twice = thrown(ProviderException.class,
                () -> out.place(ProviderResult.file(Map.of()).withSideFiles(List.of(srt, srt)), request, true));
        assertThat(twice.getMessage()).contains("(or twice)");

        ProviderException alone = thrown(ProviderException.class,
                () -> out.place(ProviderResult.nothing(Map.of()).withSideFiles(List.of(srt)), request, true));
        assertThat(alone.getMessage()).contains("side files without a main output");
        assertThat(target).doesNotExist();
    }

    @Test
    void an_unplaced_paid_result_is_kept_under_its_temporary_name_with_its_side_files() throws Exception {
        ProviderRequest request = StepRunFixture.request(s, out);
        Files.writeString(request.outputFile(), "paid pixels");
        SideFile srt = request.sideFile(".srt");
        Files.writeString(srt.written(), "subtitles");

        Path kept = out.keepUnplaced();
        out.cleanUp();

        assertThat(kept).isEqualTo(request.outputFile());
        assertThat(kept).hasContent("paid pixels");
        assertThat(srt.written()).hasContent("subtitles");
    }

    @Test
    void nothing_to_keep_when_the_provider_wrote_nothing() {
        StepRunFixture.request(s, out);
        assertThat(out.keepUnplaced()).isNull();
    }

    @Test
    void clean_up_deletes_an_unplaced_temporary_file_the_side_files_handed_out_and_the_scratch_folder()
            throws Exception {
        ProviderRequest request = StepRunFixture.request(s, out);
        Files.writeString(request.outputFile(), "half");
        SideFile srt = request.sideFile(".srt");
        Files.writeString(srt.written(), "subtitles");
        SideFile frames = request.sideFile("_frames");
        Files.createDirectories(frames.written().resolve("deep"));
        Files.writeString(frames.written().resolve("deep/1.png"), "frame");
        Path scratch = request.context().scratchDirectory();
        Files.writeString(scratch.resolve("work"), "x");

        out.cleanUp();

        assertThat(request.outputFile()).doesNotExist();
        assertThat(srt.written()).doesNotExist();
        assertThat(frames.written()).doesNotExist();
        assertThat(scratch).doesNotExist();
        assertThat(hidden()).isEmpty();
    }

    @Test
    void a_failed_attempt_s_file_is_discarded_before_the_next_attempt() throws Exception {
        ProviderRequest request = StepRunFixture.request(s, out);
        Files.writeString(request.outputFile(), "broken");
        out.discardTemporary();
        assertThat(request.outputFile()).doesNotExist();
    }

    /** Files under hidden (temporary) names in the output folder. */
    private List<Path> hidden() throws Exception {
        try (var files = Files.list(dir.resolve("out"))) {
            return files.filter(p -> p.getFileName().toString().startsWith(".")).toList();
        }
    }
}
