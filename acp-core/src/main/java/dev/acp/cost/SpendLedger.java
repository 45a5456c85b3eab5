package dev.acp.cost;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The money of one run: what is settled (spent) and what is reserved for steps in flight,
 * checked against every limit that applies before a step may start — the run's limit, the
 * step's own {@code max_cost}, and the provider's daily limit. Thread-safe: many steps reserve
 * at once on virtual threads, and a reservation either fits every limit or takes nothing.
 *
 * <p>A reservation ends exactly once: settled with what the step cost (which may exceed the
 * reservation only when the provider billed more than estimated; that is recorded as an
 * overrun) or released in full when nothing was billed.
 */
public final class SpendLedger {

    /** One step's hold on the budget. */
    public record Reservation(long id, String stepId, String provider, BigDecimal amount, String dailyToken) {}

    /** Whether a reservation was made. */
    public sealed interface Admission permits Reserved, Refused {}

    public record Reserved(Reservation reservation) implements Admission {}

    /**
     * @param limit which limit refused: "run", "step" or "daily"
     * @param message one sentence saying which limit and by how much
     */
    public record Refused(String limit, String message) implements Admission {}

    /** How a settlement compared with its reservation. */
    public sealed interface Outcome permits Within, Overrun {}

    public record Within(BigDecimal amount) implements Outcome {}

    /** The provider billed more than was reserved: spent anyway, reported loudly. */
    public record Overrun(BigDecimal amount, BigDecimal reserved) implements Outcome {
        public BigDecimal excess() {
            return amount.subtract(reserved);
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final @Nullable BigDecimal runLimit;
    private final DailySpend daily;
    private BigDecimal settled;
    private BigDecimal reserved = BigDecimal.ZERO;
    private final Map<String, BigDecimal> settledByStep = new HashMap<>();
    private final Map<String, BigDecimal> reservedByStep = new HashMap<>();
    private final Map<String, BigDecimal> settledByProvider = new LinkedHashMap<>();
    private final Map<Long, Reservation> open = new HashMap<>();
    private final List<Overrun> overruns = new ArrayList<>();
    private long nextId = 1;

    /**
     * @param runLimit the run's limit, or null for none
     * @param spentBefore what earlier sessions of the same run settled, by step: it counts
     *     against the limits as if spent now
     */
    public SpendLedger(@Nullable BigDecimal runLimit, Map<String, BigDecimal> spentBefore, DailySpend daily) {
        this.runLimit = runLimit;
        this.daily = Objects.requireNonNull(daily, "daily");
        BigDecimal total = BigDecimal.ZERO;
        for (var e : spentBefore.entrySet()) {
            settledByStep.merge(e.getKey(), e.getValue(), BigDecimal::add);
            total = total.add(e.getValue());
        }
        this.settled = total;
    }

    public static SpendLedger unlimited() {
        return new SpendLedger(null, Map.of(), DailySpend.NONE);
    }

    public @Nullable BigDecimal runLimit() {
        return runLimit;
    }

    /**
     * Reserves {@code amount} for a step if it fits the run's limit, the step's limit and the
     * provider's daily limit; otherwise takes nothing and says which limit refused.
     *
     * @param stepLimit the step's {@code max_cost}, or null
     */
    public Admission reserve(String stepId, String provider, BigDecimal amount, @Nullable BigDecimal stepLimit) {
        if (amount.signum() < 0) {
            throw new IllegalArgumentException("negative reservation " + amount);
        }
        lock.lock();
        try {
            if (runLimit != null && settled.add(reserved).add(amount).compareTo(runLimit) > 0) {
                return new Refused("run", "needs up to " + Money.format(amount) + " but the run's limit of "
                        + Money.format(runLimit) + " has " + Money.format(runLimit.subtract(settled).subtract(reserved)
                        .max(BigDecimal.ZERO)) + " left (spent " + Money.format(settled) + ", reserved by running steps "
                        + Money.format(reserved) + ")");
            }
            BigDecimal stepSpent = settledByStep.getOrDefault(stepId, BigDecimal.ZERO)
                    .add(reservedByStep.getOrDefault(stepId, BigDecimal.ZERO));
            if (stepLimit != null && stepSpent.add(amount).compareTo(stepLimit) > 0) {
                return new Refused("step", "needs up to " + Money.format(amount) + " but its max_cost is "
                        + Money.format(stepLimit) + (stepSpent.signum() > 0 ? " and " + Money.format(stepSpent)
                        + " of it is spent" : ""));
            }
            String token = daily.reserve(provider, amount);
            if (token == null) {
                String why = daily.refusal(provider, amount);
                return new Refused("daily", why != null ? why : provider + "'s daily limit is reached");
            }
            Reservation r = new Reservation(nextId++, stepId, provider, amount, token);
            open.put(r.id(), r);
            reserved = reserved.add(amount);
            reservedByStep.merge(stepId, amount, BigDecimal::add);
            return new Reserved(r);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends a reservation with what the step cost. The amount may exceed the reservation only when
     * the provider billed more than estimated; the money is spent either way, so it is recorded,
     * and the overrun is returned for the report.
     */
    public Outcome settle(Reservation r, BigDecimal actual) {
        if (actual.signum() < 0) {
            throw new IllegalArgumentException("negative cost " + actual);
        }
        lock.lock();
        try {
            close(r);
            settled = settled.add(actual);
            settledByStep.merge(r.stepId(), actual, BigDecimal::add);
            settledByProvider.merge(r.provider(), actual, BigDecimal::add);
            daily.settle(r.provider(), r.dailyToken(), actual);
            if (actual.compareTo(r.amount()) > 0) {
                Overrun o = new Overrun(actual, r.amount());
                overruns.add(o);
                return o;
            }
            return new Within(actual);
        } finally {
            lock.unlock();
        }
    }

    /** Ends a reservation with nothing billed: the whole amount returns to every limit. */
    public void release(Reservation r) {
        lock.lock();
        try {
            close(r);
            daily.release(r.provider(), r.dailyToken());
        } finally {
            lock.unlock();
        }
    }

    private void close(Reservation r) {
        if (open.remove(r.id()) == null) {
            throw new IllegalStateException("reservation " + r.id() + " of step '" + r.stepId() + "' already ended");
        }
        reserved = reserved.subtract(r.amount());
        // A step may hold more than one reservation at once (a possible first charge counted while
        // its request is sent again), some of them zero: the step's entry goes with its last one.
        BigDecimal left = reservedByStep.getOrDefault(r.stepId(), BigDecimal.ZERO).subtract(r.amount());
        if (open.values().stream().noneMatch(o -> o.stepId().equals(r.stepId()))) {
            reservedByStep.remove(r.stepId());
        } else {
            reservedByStep.put(r.stepId(), left);
        }
    }

    /** Everything settled, including earlier sessions of the run. */
    public BigDecimal settled() {
        lock.lock();
        try {
            return settled;
        } finally {
            lock.unlock();
        }
    }

    /** Held by steps in flight. */
    public BigDecimal reserved() {
        lock.lock();
        try {
            return reserved;
        } finally {
            lock.unlock();
        }
    }

    public BigDecimal settled(String stepId) {
        lock.lock();
        try {
            return settledByStep.getOrDefault(stepId, BigDecimal.ZERO);
        } finally {
            lock.unlock();
        }
    }

    public int openReservations() {
        lock.lock();
        try {
            return open.size();
        } finally {
            lock.unlock();
        }
    }

    public List<Overrun> overruns() {
        lock.lock();
        try {
            return List.copyOf(overruns);
        } finally {
            lock.unlock();
        }
    }
}
