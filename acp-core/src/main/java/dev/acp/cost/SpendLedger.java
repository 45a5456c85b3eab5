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
 *
 * <p>A run that belongs to a group (a batch's rows) has a ledger <em>within</em> the group's
 * ledger: each reservation must fit the run's own limits and then, taken under the same call, the
 * group's limit and the daily limits, which the group's ledger holds for all its runs. So runs in
 * flight together can never overspend the group's limit between them, and what each one settles
 * is settled in both.
 */
public final class SpendLedger {

    /**
     * One step's hold on the budget.
     *
     * @param outer the same hold in the enclosing ledger, or null when there is none
     */
    public record Reservation(long id, String stepId, String provider, BigDecimal amount, String dailyToken,
            @Nullable Reservation outer) {}

    /** Whether a reservation was made. */
    public sealed interface Admission permits Reserved, Refused {}

    public record Reserved(Reservation reservation) implements Admission {}

    /**
     * @param limit which limit refused: "run", "step", "daily", or the enclosing ledger's name ("batch")
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
    /** What the limit is called in refusals: "run", or "batch" for a group's ledger. */
    private final String name;
    private final @Nullable BigDecimal runLimit;
    private final DailySpend daily;
    private final @Nullable SpendLedger enclosing;
    /** Prefixes step ids in the enclosing ledger, where steps of many runs meet: the run's id. */
    private final String scope;
    private long limitRefusals;
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
        this("run", runLimit, spentBefore, daily, null, "");
    }

    /**
     * The ledger of a run within a group's ledger ({@link #group}): the run's limit and its steps'
     * {@code max_cost} are checked here, then the group's limit and the daily limits there.
     *
     * @param spentBefore what earlier sessions of this run settled, by step (the group's ledger
     *     counts it already)
     * @param scope the run's id, which keeps its steps apart from other runs' in the group's ledger
     */
    public SpendLedger(@Nullable BigDecimal runLimit, Map<String, BigDecimal> spentBefore, SpendLedger enclosing,
            String scope) {
        this("run", runLimit, spentBefore, DailySpend.NONE, Objects.requireNonNull(enclosing, "enclosing"),
                Objects.requireNonNull(scope, "scope"));
    }

    /**
     * The ledger of a group of runs (a batch): its limit holds for all of them together, and it
     * holds the daily limits for them.
     *
     * @param name what its limit is called in refusals ("batch")
     * @param spentBefore what the group's runs settled before, by run
     */
    public static SpendLedger group(String name, @Nullable BigDecimal limit, Map<String, BigDecimal> spentBefore,
            DailySpend daily) {
        return new SpendLedger(name, limit, spentBefore, daily, null, "");
    }

    private SpendLedger(String name, @Nullable BigDecimal runLimit, Map<String, BigDecimal> spentBefore,
            DailySpend daily, @Nullable SpendLedger enclosing, String scope) {
        this.name = name;
        this.runLimit = runLimit;
        this.daily = Objects.requireNonNull(daily, "daily");
        this.enclosing = enclosing;
        this.scope = scope;
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

    /** Whether any limit caps the run's total: its own, or an enclosing ledger's. */
    public boolean limited() {
        return runLimit != null || enclosing != null && enclosing.limited();
    }

    /** Whether a daily limit of {@code provider} applies to this ledger's reservations (here or in the enclosing ledger). */
    public boolean dailyLimited(String provider) {
        return daily.limits(provider) || enclosing != null && enclosing.dailyLimited(provider);
    }

    /** How many reservations this ledger's own limit refused (not a step's or a daily one). */
    public long limitRefusals() {
        lock.lock();
        try {
            return limitRefusals;
        } finally {
            lock.unlock();
        }
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
                limitRefusals++;
                return new Refused(name, "needs up to " + Money.format(amount) + " but the " + name + "'s limit of "
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
            Reservation outer = null;
            if (enclosing != null) {
                // Taken while this ledger is locked: the enclosing one never calls back, so the
                // order of the two locks is always this one first.
                switch (enclosing.reserve(scope + "/" + stepId, provider, amount, null)) {
                    case Reserved in -> outer = in.reservation();
                    case Refused no -> {
                        return no;
                    }
                }
            }
            String token = daily.reserve(provider, amount);
            if (token == null) {
                if (outer != null && enclosing != null) {
                    enclosing.release(outer); // refused here: the enclosing hold must not outlive it
                }
                String why = daily.refusal(provider, amount);
                return new Refused("daily", why != null ? why : provider + "'s daily limit is reached");
            }
            Reservation r = new Reservation(nextId++, stepId, provider, amount, token, outer);
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
            if (r.outer() != null && enclosing != null) {
                enclosing.settle(r.outer(), actual);
            }
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
            if (r.outer() != null && enclosing != null) {
                enclosing.release(r.outer());
            }
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
