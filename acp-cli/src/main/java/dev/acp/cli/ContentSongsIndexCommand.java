package dev.acp.cli;

import dev.acp.Acp;
import dev.acp.content.embed.TextEmbedder;
import dev.acp.content.items.EmbeddedText;
import dev.acp.content.items.ItemIndexer;
import dev.acp.content.items.ItemSet;
import dev.acp.content.songs.AudioAnalyser;
import dev.acp.content.songs.SongLibrary;
import dev.acp.local.media.Ffmpeg;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code acp content songs index}: a song library embedded into an index, with its audio's features. */
@Command(name = "index", mixinStandardHelpOptions = true,
        description = "Build an index of a song library: a CSV or JSON Lines file with an 'id' per song and any of"
                + " title, artist, album, genre, tags, lyrics, description, and an optional 'audio' file whose"
                + " duration, loudness (LUFS), tempo and spectral features are measured with ffmpeg and kept as"
                + " metadata, usable with --filter. Every text field is embedded.")
final class ContentSongsIndexCommand implements Callable<Integer> {
    @Mixin
    ContentNewIndexOption index = new ContentNewIndexOption();

    @Option(names = {"-i", "--input"}, required = true, paramLabel = "SONGS", description = "The library: .csv or"
            + " .jsonl, UTF-8; audio paths are relative to it.")
    Path input;

    @Mixin
    ContentFormatOption format = new ContentFormatOption();

    private final CliContext context;

    ContentSongsIndexCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        Clock clock = Clock.systemUTC();
        Path acpHome = Acp.acpHome(context.environment());
        Files.createDirectories(acpHome);
        AudioAnalyser analyser = new AudioAnalyser(Ffmpeg.locate(context.environment(), acpHome),
                Path.of(System.getProperty("java.io.tmpdir")));
        ItemSet songs;
        try (IndexProgressDisplay progress = new IndexProgressDisplay(context.err(), context.terminal(), clock)) {
            songs = SongLibrary.read(ContentIndexing.resolve(context, input), input.toString(),
                    file -> analyser.analyse(file).asMetadata(), progress::indexed);
        }
        if (!songs.valid()) {
            ContentIndexing.printProblems(context.err(), songs, input.toString());
            return ExitCode.USAGE.code();
        }
        long withAudio = songs.items().stream().filter(s -> s.path() != null).count();
        long start = System.nanoTime();
        try (TextEmbedder embedder = ContentIndexing.embedder();
                IndexProgressDisplay progress = new IndexProgressDisplay(context.err(), context.terminal(), clock)) {
            new ItemIndexer(embedder, clock).build(index.folder(context), songs.items(),
                    EmbeddedText.allTextFields(), progress);
            double seconds = (System.nanoTime() - start) / 1e9;
            if (format.json()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("index", index.dir.toString());
                m.put("songs", songs.items().size());
                m.put("with_audio", withAudio);
                m.put("model", embedder.modelId());
                m.put("seconds", Math.round(seconds * 100) / 100.0);
                format.print(context, m);
            } else {
                context.out().println(String.format(java.util.Locale.ROOT, "Indexed %d songs (%d with audio features)"
                        + " into %s in %.1f s. Try: acp content search --index %s \"a calm song for a rainy day\"",
                        songs.items().size(), withAudio, index.dir, seconds, index.dir));
            }
        }
        return ExitCode.OK.code();
    }
}
