package dev.acp.testkit.sync;

import dev.acp.testkit.sync.FakeSyncServer.Provider;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Every billed request and the ElevenLabs history, under one lock: a bill and its history item
 * are recorded together, so no reader ever sees one without the other.
 */
final class Ledger {
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // Guarded by lock.
    private final List<BilledRequest> records = new ArrayList<>();
    private final List<HistoryItem> history = new ArrayList<>();
    private final Map<String, byte[]> audio = new HashMap<>();
    /** The ElevenLabs account's used credits: history items count from and to it. */
    private long creditsUsed;

    Ledger(Clock clock) {
        this.clock = clock;
    }

    /** Records the bill, and for speech its history item, atomically. */
    BilledRequest bill(Provider provider, String path, String bodySha256, Outcome.Paid paid) {
        lock.lock();
        try {
            Instant now = clock.instant();
            BilledRequest r = new BilledRequest(provider, path, bodySha256, paid.prompt(), paid.amount(), now,
                    paid.requestId());
            records.add(r);
            Outcome.Speech s = paid.speech();
            if (s != null) {
                long from = creditsUsed;
                creditsUsed += s.credits();
                history.add(new HistoryItem(s.historyItemId(), s.requestId(), s.voiceId(), s.voiceName(), s.modelId(),
                        s.text(), now.getEpochSecond(), from, creditsUsed, s.contentType(), s.outputFormat(),
                        "created", "TTS"));
                audio.put(s.historyItemId(), s.audio());
            }
            changed.signalAll();
            return r;
        } finally {
            lock.unlock();
        }
    }

    List<BilledRequest> records() {
        return locked(() -> List.copyOf(records));
    }

    int count() {
        return locked(records::size);
    }

    BigDecimal total() {
        return locked(() -> records.stream().map(BilledRequest::amount).reduce(BigDecimal.ZERO, BigDecimal::add));
    }

    /** Every record of a request billed more than once, in billing order. */
    List<BilledRequest> billedTwice() {
        return locked(() -> {
            Map<String, Long> counts = records.stream()
                    .collect(Collectors.groupingBy(BilledRequest::sameRequestKey, Collectors.counting()));
            return records.stream().filter(r -> counts.get(r.sameRequestKey()) > 1).toList();
        });
    }

    /** The history, oldest first. */
    List<HistoryItem> history() {
        return locked(() -> List.copyOf(history));
    }

    Optional<byte[]> audio(String historyItemId) {
        return locked(() -> Optional.ofNullable(audio.get(historyItemId)));
    }

    boolean awaitBilled(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (records.size() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    void reset() {
        locked(() -> {
            records.clear();
            history.clear();
            audio.clear();
            creditsUsed = 0;
            return null;
        });
    }

    private <T> T locked(Supplier<T> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }
}
