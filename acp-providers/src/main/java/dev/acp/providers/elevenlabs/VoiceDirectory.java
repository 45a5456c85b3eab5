package dev.acp.providers.elevenlabs;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.providers.elevenlabs.internal.Voice;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Turns the {@code voice} of a step into an ElevenLabs voice id. An id is used as written; a
 * name ("Rachel", "adam") is looked up case-insensitively in the account's voice list, which is
 * fetched once per provider instance (one per process) and kept: a batch of a thousand steps
 * costs one list request, and voices are not renamed while a run is going on. A name missing
 * from the list is searched with the v2 endpoint before it is reported as unknown.
 *
 * <p>Deliberately no cache on disk: the list is free, takes one request per process, and
 * depends on the API key (another account has other voices), so a stored copy would add a
 * staleness and key-separation problem to save a fraction of a second.
 */
final class VoiceDirectory {
    /** ElevenLabs voice ids are 20 letters and digits, for example {@code 21m00Tcm4TlvDq8ikWAM}. */
    static final Pattern VOICE_ID = Pattern.compile("[A-Za-z0-9]{20}");

    /**
     * Used when a step names no voice: Rachel, the premade voice of the seed pipelines and of
     * ElevenLabs' own examples for years. Premade voices have the same id in every account, so
     * no lookup is needed.
     */
    static final String DEFAULT_VOICE_ID = "21m00Tcm4TlvDq8ikWAM";

    static final String DEFAULT_VOICE_NAME = "Rachel";

    /** How a voice was chosen. */
    enum Source {
        DEFAULT, ID, NAME;

        String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A resolved voice.
     *
     * @param name the voice's name when known
     * @param note something the report should say about the choice (an ambiguous name), or null
     */
    record Resolved(String id, @Nullable String name, Source source, @Nullable String note) {}

    private final ElevenLabsApi api;
    private final ReentrantLock lock = new ReentrantLock();
    private @Nullable List<Voice> voices;
    /** Names found by the v2 search, by lower-case name. */
    private final Map<String, Resolved> searched = new ConcurrentHashMap<>();

    VoiceDirectory(ElevenLabsApi api) {
        this.api = api;
    }

    Resolved resolve(@Nullable String voice) throws ProviderException, InterruptedException {
        if (voice == null) {
            return new Resolved(DEFAULT_VOICE_ID, DEFAULT_VOICE_NAME, Source.DEFAULT, null);
        }
        String wanted = voice.strip();
        if (VOICE_ID.matcher(wanted).matches()) {
            // An id needs no lookup; its name is reported only if the list is already here.
            List<Voice> known = cached();
            String name = known == null ? null : known.stream().filter(v -> wanted.equals(v.voiceId()))
                    .map(Voice::name).filter(Objects::nonNull).findFirst().orElse(null);
            return new Resolved(wanted, name, Source.ID, null);
        }
        List<Voice> all = list();
        Optional<Resolved> byName = byName(all, wanted);
        if (byName.isPresent()) {
            return byName.get();
        }
        for (Voice v : all) {
            if (wanted.equals(v.voiceId())) {
                return new Resolved(wanted, v.name(), Source.ID, null);
            }
        }
        Resolved found = searched.get(key(wanted));
        if (found != null) {
            return found;
        }
        List<Voice> hits = search(wanted);
        Optional<Resolved> hit = byName(hits, wanted);
        if (hit.isEmpty()) {
            throw unknown(wanted, all, hits);
        }
        searched.put(key(wanted), hit.get());
        return hit.get();
    }

    /** The account's voices, fetched on first use. Failures are not kept: the next step asks again. */
    private List<Voice> list() throws ProviderException, InterruptedException {
        lock.lockInterruptibly();
        try {
            if (voices == null) {
                voices = api.listVoices();
            }
            return voices;
        } finally {
            lock.unlock();
        }
    }

    private @Nullable List<Voice> cached() {
        lock.lock();
        try {
            return voices;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The v2 search's hits. An account or proxy without the v2 endpoint answers 404 or 422; that
     * only means the name stays unknown. Other failures (key, rate, outage) are reported as such.
     */
    private List<Voice> search(String name) throws ProviderException, InterruptedException {
        try {
            return api.searchVoices(name);
        } catch (ProviderException e) {
            if (e.kind() == ErrorKind.NOT_FOUND || e.kind() == ErrorKind.VALIDATION) {
                return List.of();
            }
            throw e;
        }
    }

    private static Optional<Resolved> byName(List<Voice> voices, String wanted) {
        List<Voice> same = voices.stream().filter(v -> key(wanted).equals(key(v.name()))).toList();
        if (same.isEmpty()) {
            return Optional.empty();
        }
        Voice first = same.get(0);
        String note = same.size() == 1 ? null : same.size() + " voices are named '" + wanted + "'; used the first"
                + " in the account's list (" + first.voiceId() + "); give a voice id to choose another";
        return Optional.of(new Resolved(Objects.requireNonNull(first.voiceId()), first.name(), Source.NAME, note));
    }

    private ProviderException unknown(String wanted, List<Voice> listed, List<Voice> searchedHits) {
        Set<String> names = new LinkedHashSet<>();
        for (List<Voice> l : List.of(listed, searchedHits)) {
            l.stream().map(Voice::name).filter(n -> n != null && !n.isBlank()).forEach(names::add);
        }
        List<String> close = closest(wanted, names, 5);
        String hint = !close.isEmpty() ? "did you mean " + String.join(", ", close) + "?"
                : names.isEmpty() ? "the account lists no voices."
                : "voices in the account include " + String.join(", ", names.stream().sorted().limit(8).toList())
                        + (names.size() > 8 ? " (" + names.size() + " in all)" : "") + ".";
        return new ProviderException(ErrorKind.NOT_FOUND, api.mask(ElevenLabsProvider.ID + ": no voice named '"
                + wanted + "' in this ElevenLabs account; " + hint
                + " Set config.voice to one of its voice names or to a voice id."));
    }

    /**
     * Names close to {@code wanted}: containing it or contained in it, or within a third of its
     * length in edits; nearest first.
     */
    static List<String> closest(String wanted, Set<String> names, int limit) {
        String w = key(wanted);
        record Scored(String name, int distance) {}
        List<Scored> scored = new ArrayList<>();
        for (String n : names) {
            String k = key(n);
            int d = distance(w, k);
            boolean related = w.length() >= 3 && (k.contains(w) || w.contains(k) && k.length() >= 3);
            if (related || d <= Math.max(1, Math.max(w.length(), k.length()) / 3)) {
                scored.add(new Scored(n, related ? Math.min(d, 1) : d));
            }
        }
        return scored.stream().sorted(Comparator.comparingInt(Scored::distance).thenComparing(Scored::name))
                .limit(limit).map(Scored::name).toList();
    }

    private static String key(@Nullable String name) {
        return name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
    }

    /** Levenshtein distance, small strings only. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
