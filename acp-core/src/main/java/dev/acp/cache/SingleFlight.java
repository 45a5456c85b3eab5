package dev.acp.cache;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * Lets identical steps that run at the same moment in one process execute once: the first
 * becomes the leader and runs; the others wait for it, then read its result from the cache.
 */
public final class SingleFlight {
    private final ConcurrentHashMap<String, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();

    /** A claim on a key: either run it ({@link #leader()}) or wait for the leader. */
    public final class Claim implements AutoCloseable {
        private final String key;
        private final CompletableFuture<Void> future;
        private final boolean leader;

        private Claim(String key, CompletableFuture<Void> future, boolean leader) {
            this.key = key;
            this.future = future;
            this.leader = leader;
        }

        public boolean leader() {
            return leader;
        }

        /** Waits until the leader is done (successfully or not). Followers only. */
        public void awaitLeader() throws InterruptedException {
            try {
                future.get();
            } catch (ExecutionException e) {
                // The leader's failure is its own; the follower just runs itself afterwards.
            }
        }

        /** The leader finished: releases the followers. */
        @Override
        public void close() {
            if (leader) {
                inFlight.remove(key, future);
                future.complete(null);
            }
        }
    }

    public Claim claim(String key) {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> existing = inFlight.putIfAbsent(key, mine);
        return existing == null ? new Claim(key, mine, true) : new Claim(key, existing, false);
    }
}
