package dev.acp.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What was read from a run folder, kept while the files it was read from stay as they were. A
 * run's view parses its whole journal (a megabyte for a long run); with many clients polling,
 * reading it once per change instead of once per request is the difference between
 * milliseconds and seconds. The stamp of a file is its size and modification time: a journal is
 * only ever appended to, so each new record changes its size, and {@code run.json} and
 * {@code meta.json} are replaced whole (a new file, a new time). Bounded by count and by weight
 * (about the bytes held), least recently used first out, so many long runs looked at once cannot
 * fill the heap.
 */
final class FolderCache<V> {
    /** A file's size and modification time, or absent. */
    record Stamp(long size, java.time.Instant modified, boolean exists) {
        static Stamp of(Path file) throws IOException {
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                return new Stamp(a.size(), a.lastModifiedTime().toInstant(), true);
            } catch (NoSuchFileException e) {
                return new Stamp(0, java.time.Instant.EPOCH, false);
            }
        }
    }

    private record Held<V>(List<Stamp> stamps, V value) {}

    private final int capacity;
    private final long maxWeight;
    private final java.util.function.ToLongFunction<V> weigher;
    private final Map<Path, Held<V>> held;
    private long weight;

    /**
     * @param capacity the most values held
     * @param maxWeight the most total weight held; a value heavier than this alone is not kept
     * @param weigher about how many bytes a value holds
     */
    FolderCache(int capacity, long maxWeight, java.util.function.ToLongFunction<V> weigher) {
        this.capacity = capacity;
        this.maxWeight = maxWeight;
        this.weigher = weigher;
        this.held = new LinkedHashMap<>(16, 0.75f, true);
    }

    /** The stamps of {@code files}, in order, to look up and store with. */
    static List<Stamp> stamps(List<Path> files) throws IOException {
        java.util.ArrayList<Stamp> out = new java.util.ArrayList<>(files.size());
        for (Path f : files) {
            out.add(Stamp.of(f));
        }
        return out;
    }

    /** What was stored for {@code folder} with exactly these stamps. */
    synchronized Optional<V> get(Path folder, List<Stamp> stamps) {
        Held<V> h = held.get(folder);
        return h != null && h.stamps().equals(stamps) ? Optional.of(h.value()) : Optional.empty();
    }

    synchronized void put(Path folder, List<Stamp> stamps, V value) {
        Held<V> previous = held.remove(folder);
        if (previous != null) {
            weight -= weigher.applyAsLong(previous.value());
        }
        long w = weigher.applyAsLong(value);
        if (w > maxWeight) {
            return;
        }
        held.put(folder, new Held<>(List.copyOf(stamps), value));
        weight += w;
        var oldest = held.entrySet().iterator();
        while ((held.size() > capacity || weight > maxWeight) && oldest.hasNext()) {
            Held<V> out = oldest.next().getValue();
            oldest.remove();
            weight -= weigher.applyAsLong(out.value());
        }
    }

    synchronized int size() {
        return held.size();
    }
}
