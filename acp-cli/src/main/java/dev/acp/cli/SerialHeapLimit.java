package dev.acp.cli;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryNotificationInfo;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.Optional;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Holds the serial collector to {@code -XX:SoftMaxHeapSize}, which the JVM honours only with its
 * concurrent collectors: when the old generation passes its share of the soft limit, a full
 * collection.
 *
 * <p>Why: a run's in-flight jobs live a second or more, long enough to be promoted, and the serial
 * collector grows the old generation with them up to {@code -Xmx} rather than collect it (2,000 fal
 * jobs: 350-640 MB resident under a 512 MB maximum, live data under 50 MB). The maximum stays high
 * for what needs it (a local 3840x2160 picture does not fit in 96 MB); the soft limit keeps the
 * heap near what is live otherwise, at the cost of a full collection of a small heap now and then.
 * The concurrent collectors held the same run no smaller and cost half as much CPU again
 * (bench/RESULTS.md).
 */
final class SerialHeapLimit implements NotificationListener {
    /** The serial collector's names in the management interface (HotSpot's, stable since JDK 8). */
    private static final String SERIAL_FULL_COLLECTOR = "MarkSweepCompact";
    private static final String OLD_POOL = "Tenured Gen";

    private final MemoryPoolMXBean old;
    private final OldGenerationBudget budget;
    private final Runnable fullCollection;

    SerialHeapLimit(MemoryPoolMXBean old, OldGenerationBudget budget, Runnable fullCollection) {
        this.old = old;
        this.budget = budget;
        this.fullCollection = fullCollection;
    }

    /**
     * Watches this JVM's old generation if it runs the serial collector with a soft heap limit
     * below its maximum heap; otherwise (another collector, no soft limit) does nothing.
     */
    static Optional<SerialHeapLimit> install() {
        List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
        if (collectors.stream().noneMatch(c -> c.getName().equals(SERIAL_FULL_COLLECTOR))) {
            return Optional.empty();
        }
        HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        VMOption soft = hotspot.getVMOption("SoftMaxHeapSize");
        long softLimit = Long.parseLong(soft.getValue());
        long maxHeap = Long.parseLong(hotspot.getVMOption("MaxHeapSize").getValue());
        if (soft.getOrigin() == VMOption.Origin.DEFAULT || softLimit >= maxHeap) {
            return Optional.empty();
        }
        MemoryPoolMXBean old = null;
        long young = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() != MemoryType.HEAP) {
                continue;
            }
            if (pool.getName().equals(OLD_POOL)) {
                old = pool;
            } else {
                // Eden and one survivor space are listed; both survivor spaces are resident.
                long max = Math.max(0, pool.getUsage().getMax());
                young += pool.getName().contains("Survivor") ? 2 * max : max;
            }
        }
        if (old == null || !old.isUsageThresholdSupported() || old.getUsage().getMax() <= 0) {
            return Optional.empty();
        }
        SerialHeapLimit limit = new SerialHeapLimit(old,
                OldGenerationBudget.of(softLimit, young, old.getUsage().getMax()), System::gc);
        limit.watch((NotificationEmitter) ManagementFactory.getMemoryMXBean());
        return Optional.of(limit);
    }

    OldGenerationBudget budget() {
        return budget;
    }

    /**
     * Starts watching: the JVM checks the threshold after each collection, which is when the old
     * generation grows (promotion), and tells the listener on its notification thread.
     */
    void watch(NotificationEmitter memory) {
        old.setUsageThreshold(budget.base());
        memory.addNotificationListener(this,
                n -> MemoryNotificationInfo.MEMORY_THRESHOLD_EXCEEDED.equals(n.getType()), null);
    }

    @Override
    public void handleNotification(Notification notification, Object handback) {
        MemoryNotificationInfo info = MemoryNotificationInfo.from((CompositeData) notification.getUserData());
        if (!info.getPoolName().equals(old.getName())) {
            return;
        }
        fullCollection.run();
        MemoryUsage afterCollection = old.getCollectionUsage();
        long live = afterCollection != null ? afterCollection.getUsed() : old.getUsage().getUsed();
        old.setUsageThreshold(budget.thresholdAfter(live));
    }
}
