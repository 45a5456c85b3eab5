package dev.acp.engine;

import dev.acp.plan.PlannedStep;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The run state of one plan node: dependency count, whether it started and settled, and the
 * thread running it, with the protocol that lets timers and cancellation interrupt exactly that
 * thread while it runs this node (attach, commit, detach).
 */
final class StepNode {
    final PlannedStep step;
    final int index;
    final List<StepNode> dependents = new ArrayList<>();
    final AtomicInteger pending = new AtomicInteger();
    final AtomicBoolean started = new AtomicBoolean();
    final AtomicBoolean settled = new AtomicBoolean();
    @Nullable GroupRun group;
    /** The for_each block this node is (for the block's own node) or belongs to (for an expansion). */
    @Nullable ForEachRun forEach;
    /** Created at run time by a for_each block, not part of the plan. */
    volatile boolean expanded;
    volatile @Nullable String cancelReason;
    volatile boolean timedOut;
    volatile boolean groupTimedOut;
    volatile boolean launched;
    /** Set once a thread has started running this task; never reset. */
    volatile boolean attached;

    private final Supplier<ScheduledExecutorService> timers;
    private @Nullable Thread thread;
    private boolean committing;
    private boolean abandoned;
    private @Nullable ScheduledFuture<?> reinterrupter;

    StepNode(PlannedStep step, int index, Supplier<ScheduledExecutorService> timers) {
        this.step = step;
        this.index = index;
        this.timers = timers;
    }

    String id() {
        return step.id();
    }

    void cancel(String reason) {
        cancelReason = reason;
        requestStop();
    }

    void timeOut() {
        timedOut = true;
        requestStop();
    }

    /** Whether the step was asked to stop (cancelled, timed out, or its group timed out). */
    boolean stopRequested() {
        return cancelReason != null || timedOut || groupTimedOut;
    }

    /**
     * Interrupts the node's thread while it runs this node's provider, and again every 250 ms
     * until it stops: some libraries clear an interrupt they run into (Java2D's font reader does),
     * and a lost interrupt must not leave a cancelled step running. Threads carry on with the next
     * task of a chain, which a late interrupt must not hit.
     */
    private synchronized void requestStop() {
        if (thread == null || committing) {
            return;
        }
        thread.interrupt();
        if (reinterrupter == null) {
            try {
                reinterrupter = timers.get().scheduleAtFixedRate(this::reinterrupt, 250, 250, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // The run is over; the one interrupt above is all there is to do.
            }
        }
    }

    private synchronized void reinterrupt() {
        if (thread != null && !committing) {
            thread.interrupt();
        }
    }

    synchronized void attach(Thread t) {
        thread = t;
        attached = true;
        committing = false;
    }

    /**
     * The provider has returned a result: from here on the step keeps its output, so no further
     * interrupt may break the file writes. Refused (false) when the run already gave up on it.
     */
    synchronized boolean commit() {
        Thread.interrupted();
        if (abandoned) {
            return false;
        }
        committing = true;
        return true;
    }

    /**
     * Gives up on a step that did not stop in time: whatever it produces later is discarded.
     * Refused (false) once the step is keeping a finished result, which takes only a moment.
     */
    synchronized boolean abandon() {
        if (committing) {
            return false;
        }
        abandoned = true;
        return true;
    }

    synchronized void detach() {
        thread = null;
        if (reinterrupter != null) {
            reinterrupter.cancel(false);
            reinterrupter = null;
        }
        Thread.interrupted();
    }
}
