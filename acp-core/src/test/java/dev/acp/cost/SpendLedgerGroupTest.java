package dev.acp.cost;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A run's ledger within a group's (a batch's rows): the group's limit holds for all its runs together. */
class SpendLedgerGroupTest {

    private static SpendLedger.Reservation reserved(SpendLedger.Admission a) {
        assertThat(a).isInstanceOf(SpendLedger.Reserved.class);
        return ((SpendLedger.Reserved) a).reservation();
    }

    @Test
    void two_runs_cannot_reserve_more_than_the_groups_limit_between_them() {
        SpendLedger group = SpendLedger.group("batch", new BigDecimal("1.00"), Map.of(), DailySpend.NONE);
        SpendLedger a = new SpendLedger(null, Map.of(), group, "run-a");
        SpendLedger b = new SpendLedger(null, Map.of(), group, "run-b");

        reserved(a.reserve("s1", "paid", new BigDecimal("0.60"), null));
        SpendLedger.Admission refused = b.reserve("s1", "paid", new BigDecimal("0.50"), null);

        assertThat(refused).isInstanceOfSatisfying(SpendLedger.Refused.class, r -> {
            assertThat(r.limit()).isEqualTo("batch");
            assertThat(r.message()).contains("batch's limit of $1.00").contains("$0.40 left");
        });
        // The refusal took nothing, in the run's ledger or the group's.
        assertThat(b.reserved()).isEqualByComparingTo("0");
        assertThat(group.reserved()).isEqualByComparingTo("0.60");
        assertThat(group.limitRefusals()).isEqualTo(1);
    }

    @Test
    void what_a_run_settles_or_releases_is_settled_or_released_in_the_group_too() {
        SpendLedger group = SpendLedger.group("batch", new BigDecimal("1.00"), Map.of("run-0", new BigDecimal("0.20")),
                DailySpend.NONE);
        SpendLedger a = new SpendLedger(null, Map.of(), group, "run-a");

        SpendLedger.Reservation paid = reserved(a.reserve("s1", "paid", new BigDecimal("0.50"), null));
        SpendLedger.Reservation dropped = reserved(a.reserve("s2", "paid", new BigDecimal("0.30"), null));
        a.settle(paid, new BigDecimal("0.35"));
        a.release(dropped);

        assertThat(a.settled()).isEqualByComparingTo("0.35");
        assertThat(group.settled()).isEqualByComparingTo("0.55"); // with what an earlier session settled
        assertThat(group.reserved()).isEqualByComparingTo("0");
        assertThat(group.openReservations()).isZero();
        // What is left of the group's limit is free again for any run.
        reserved(new SpendLedger(null, Map.of(), group, "run-b").reserve("s1", "paid", new BigDecimal("0.45"), null));
    }

    @Test
    void the_runs_own_limit_and_a_steps_max_cost_still_apply_inside_the_group() {
        SpendLedger group = SpendLedger.group("batch", new BigDecimal("10"), Map.of(), DailySpend.NONE);
        SpendLedger a = new SpendLedger(new BigDecimal("0.50"), Map.of(), group, "run-a");

        assertThat(a.reserve("s1", "paid", new BigDecimal("0.60"), null))
                .isInstanceOfSatisfying(SpendLedger.Refused.class, r -> assertThat(r.limit()).isEqualTo("run"));
        assertThat(a.reserve("s1", "paid", new BigDecimal("0.40"), new BigDecimal("0.30")))
                .isInstanceOfSatisfying(SpendLedger.Refused.class, r -> assertThat(r.limit()).isEqualTo("step"));
        assertThat(group.reserved()).isEqualByComparingTo("0");
        assertThat(a.limited()).isTrue();
        assertThat(new SpendLedger(null, Map.of(), group, "run-b").limited()).isTrue();
        assertThat(new SpendLedger(null, Map.of(), SpendLedger.group("batch", null, Map.of(), DailySpend.NONE), "c")
                .limited()).isFalse();
    }
}
