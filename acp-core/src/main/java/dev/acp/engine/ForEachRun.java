package dev.acp.engine;

import dev.acp.error.ErrorKind;
import dev.acp.pipeline.ForEachStepSpec;
import dev.acp.pipeline.TaskStepSpec;
import dev.acp.plan.PlannedForEach;
import dev.acp.plan.PlannedTask;
import dev.acp.template.Reference;
import dev.acp.template.TemplateSyntaxException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import org.jspecify.annotations.Nullable;

/**
 * The run state of one for_each block: once its source list is known it expands its steps into
 * one task per item and inner step ({@code image[2]}), admits at most {@code max_workers} of
 * them at a time in item order, and settles the block when every expansion has settled.
 */
final class ForEachRun {
    final StepNode node;
    private final PlannedForEach block;
    private final Execution execution;
    private final PriorityQueue<StepNode> ready = new PriorityQueue<>(Comparator.comparingInt(x -> x.index));
    /** Per item (0-based), its expanded nodes in inner-step order. */
    private final List<List<StepNode>> items = new ArrayList<>();
    private int running;
    private int remaining;
    private @Nullable String itemsHash;
    private @Nullable String changeNote;
    private volatile boolean expanded;
    /** Set when the list differs from the one an earlier session expanded: nothing is reused. */
    private volatile boolean ignoreResume;

    ForEachRun(StepNode node, PlannedForEach block, Execution execution) {
        this.node = node;
        this.block = block;
        this.execution = execution;
    }

    /** Whether an expanded step may reuse what an earlier session of the run finished. */
    boolean mayResume() {
        return !ignoreResume;
    }

    /** The block's dependencies have succeeded: read the list, expand, start the first steps. */
    void open() {
        List<Object> list;
        try {
            list = source();
        } catch (ItemLists.ItemListException e) {
            execution.settle(node, result(StepStatus.FAILED, Map.of(), ErrorInfo.of(ErrorKind.VALIDATION,
                    "for_each " + block.spec().source() + ": " + e.getMessage()), null));
            return;
        }
        if (list.size() > ForEachStepSpec.MAX_ITEMS) {
            execution.settle(node, result(StepStatus.FAILED, Map.of(), ErrorInfo.of(ErrorKind.VALIDATION,
                    "for_each " + block.spec().source() + " has " + list.size() + " items; a for_each block runs over at"
                            + " most " + ForEachStepSpec.MAX_ITEMS + " (split the list, or ask the source for fewer)"),
                    null));
            return;
        }
        String hash = ItemLists.hash(list);
        ResumeState.Expansion before = execution.request.resume().expansions().get(block.id());
        if (before != null && (before.items() != list.size() || !before.itemsSha256().equals(hash))) {
            ignoreResume = true;
            changeNote = "the list changed since the earlier session (" + before.items() + " items then, " + list.size()
                    + " now" + (before.items() == list.size() ? ", different content" : "") + "): every item runs again";
        }
        try {
            execution.request.recorder().expanded(block.id(), list.size(), hash);
        } catch (RuntimeException e) {
            execution.settle(node, result(StepStatus.FAILED, Map.of(), ErrorInfo.of(ErrorKind.LOCAL,
                    "cannot journal the expansion: " + e.getMessage()), null));
            execution.journalFailed(e);
            return;
        }
        List<Map.Entry<StepNode, StepResult>> invalid = new ArrayList<>();
        synchronized (this) {
            itemsHash = hash;
            expand(list, invalid);
            remaining = items.stream().mapToInt(List::size).sum();
            expanded = true;
        }
        if (remaining == 0) {
            execution.settle(node, merge());
            return;
        }
        List<StepNode> all = items.stream().flatMap(List::stream).toList();
        execution.register(all);
        for (var e : invalid) {
            execution.settle(e.getKey(), e.getValue());
        }
        for (StepNode n : all) {
            if (n.pending.get() == 0 && !n.settled.get()) {
                execution.startExpanded(n);
            }
        }
    }

    private List<Object> source() {
        return switch (block.source()) {
            case Reference.StepRef sr -> {
                StepResult r = execution.result(sr.stepId());
                if (r == null || r.text() == null) {
                    throw new ItemLists.ItemListException("step '" + sr.stepId() + "' has no text result");
                }
                yield ItemLists.parse(sr.stepId(), r.text());
            }
            case Reference.InputRef ir -> ItemLists.fromValue("input " + ir.name(),
                    Objects.requireNonNull(execution.plan.inputs().get(ir.name()), "validated input"));
            default -> throw new IllegalStateException("validated: " + block.source());
        };
    }

    /** Builds the nodes of every item; those whose file name is unusable are failed at once. */
    private void expand(List<Object> list, List<Map.Entry<StepNode, StepResult>> invalid) {
        int inner = block.templates().size();
        int firstIndex = execution.reserveIndexes(list.size() * inner);
        Map<Path, String> owners = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            int index = i + 1;
            Map<String, String> siblings = new LinkedHashMap<>();
            block.templates().forEach(t -> siblings.put(t.id(), PlannedForEach.expandedId(t.id(), index)));
            ConfigRenderer.ItemScope scope = new ConfigRenderer.ItemScope(block.id(), index, list.get(i), siblings);
            List<StepNode> nodes = new ArrayList<>();
            for (int k = 0; k < inner; k++) {
                PlannedTask t = block.templates().get(k);
                String id = siblings.get(t.id());
                String problem = null;
                Path output = t.outputPath();
                try {
                    output = outputPath(t, scope);
                    String other = owners.putIfAbsent(output, id);
                    if (other != null) {
                        problem = "writes the same file as '" + other + "' (" + block.outputDirectory().relativize(output)
                                + "); make output_filename differ per item, for example with {{index}}";
                    }
                } catch (IllegalStateException e) {
                    problem = "output_filename: " + e.getMessage();
                }
                TaskStepSpec s = t.spec();
                TaskStepSpec spec = new TaskStepSpec(id, true, s.capability(), s.config(), s.outputFilename(),
                        s.enabled(), s.timeout(), s.retryCount(), s.dependsOn(), s.provider(), s.description(),
                        s.locations());
                List<String> deps = t.dependencies().stream().map(siblings::get).toList();
                PlannedTask task = new PlannedTask(spec, t.providerId(), t.providerReason(), t.model(), output,
                        block.id(), deps, t.enabled() && block.enabled(), t.fallbacks());
                StepNode n = new StepNode(task, firstIndex + i * inner + k, () -> execution.timers().executor());
                n.forEach = this;
                n.expanded = true;
                execution.scope(id, scope);
                nodes.add(n);
                if (problem != null) {
                    invalid.add(Map.entry(n, new StepResult(id, t.typeName(), block.id(), t.providerId(), t.model(),
                            StepStatus.FAILED, null, null, Map.of("item", index), ErrorInfo.of(ErrorKind.VALIDATION,
                                    problem), null, null, Duration.ZERO, 0, null, null, null, false, null, List.of())));
                }
            }
            Map<String, StepNode> byId = new HashMap<>();
            nodes.forEach(n -> byId.put(n.id(), n));
            for (StepNode n : nodes) {
                for (String d : n.step.dependencies()) {
                    byId.get(d).dependents.add(n);
                }
                n.pending.set(n.step.dependencies().size());
            }
            items.add(nodes);
        }
    }

    /** The item's output path; its name is rendered and must stay inside the output folder. */
    private Path outputPath(PlannedTask t, ConfigRenderer.ItemScope scope) {
        String name;
        try {
            name = execution.renderer.renderName(block.outputNames().get(t.id()), scope);
        } catch (TemplateSyntaxException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        Path base = block.outputDirectory();
        Path p;
        try {
            p = base.resolve(name).normalize();
        } catch (InvalidPathException e) {
            throw new IllegalStateException("'" + name + "' is not a valid file name for item " + scope.index());
        }
        if (!p.startsWith(base) || p.equals(base) || name.startsWith("/") || name.startsWith("\\")) {
            throw new IllegalStateException("'" + name + "' for item " + scope.index()
                    + " leaves the output folder; use {{index}} rather than item text with '/' or '..'");
        }
        try {
            dev.acp.util.SafePaths.createFolders(base, p.getParent()); // item text must not lead through a link
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the folder " + p.getParent() + ": " + e.getMessage());
        }
        return p;
    }

    void offer(StepNode n) {
        synchronized (this) {
            ready.add(n);
        }
        dispatch();
    }

    private void dispatch() {
        List<StepNode> launch = new ArrayList<>();
        synchronized (this) {
            while (running < block.maxWorkers() && !ready.isEmpty()) {
                StepNode n = ready.poll();
                if (n.settled.get()) {
                    continue;
                }
                running++;
                n.launched = true;
                launch.add(n);
            }
        }
        launch.forEach(execution::launch);
    }

    /** Returns the block's result when this was its last expansion to settle, else null. */
    @Nullable StepResult itemSettled(StepNode n) {
        StepResult done = null;
        synchronized (this) {
            if (n.launched) {
                running--;
            }
            remaining--;
            if (remaining == 0 && !node.settled.get()) {
                done = merge();
            }
        }
        if (done == null) {
            dispatch();
        }
        return done;
    }

    /** Every expanded node, for cancellation. */
    synchronized List<StepNode> nodes() {
        return items.stream().flatMap(List::stream).toList();
    }

    /** The results of an inner step's expansions in item order, or null before the block expanded. */
    @Nullable List<StepResult> results(String innerId) {
        if (!expanded) {
            return null;
        }
        int k = 0;
        while (k < block.templates().size() && !block.templates().get(k).id().equals(innerId)) {
            k++;
        }
        List<StepResult> out = new ArrayList<>();
        synchronized (this) {
            for (List<StepNode> item : items) {
                StepResult r = execution.result(item.get(k).id());
                if (r != null) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    /** The block's result from its expansions' results (called with the lock held). */
    private StepResult merge() {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("items", items.size());
        if (itemsHash != null) {
            metadata.put("items_sha256", itemsHash);
        }
        metadata.put("max_workers", block.maxWorkers() == Integer.MAX_VALUE ? "unlimited" : block.maxWorkers());
        if (changeNote != null) {
            metadata.put("note", changeNote);
        }
        Instant first = null;
        List<Integer> failedItems = new ArrayList<>();
        List<String> why = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String firstProblem = null;
            for (StepNode n : items.get(i)) {
                StepResult r = execution.result(n.id());
                if (r == null) {
                    continue;
                }
                if (r.startedAt() != null && (first == null || r.startedAt().isBefore(first))) {
                    first = r.startedAt();
                }
                if (r.status() != StepStatus.SUCCEEDED && r.status() != StepStatus.DISABLED && firstProblem == null) {
                    firstProblem = "'" + r.stepId() + "' " + r.status().name().toLowerCase(java.util.Locale.ROOT)
                            + (r.error() != null ? ": " + r.error().message() : r.reason() != null ? ": " + r.reason() : "");
                }
            }
            if (firstProblem != null) {
                failedItems.add(i + 1);
                why.add("item " + (i + 1) + " (" + firstProblem + ")");
            }
        }
        if (items.isEmpty()) {
            metadata.put("note", "the list is empty: no item ran");
        }
        if (failedItems.isEmpty()) {
            return result(StepStatus.SUCCEEDED, metadata, null, first);
        }
        metadata.put("failed_items", failedItems);
        if (execution.cancelled()) {
            return result(StepStatus.CANCELLED, metadata, null, first).withStatus(StepStatus.CANCELLED,
                    "the run was interrupted");
        }
        String message = failedItems.size() + " of " + items.size() + " items did not succeed: "
                + String.join("; ", why.subList(0, Math.min(5, why.size())))
                + (why.size() > 5 ? "; and " + (why.size() - 5) + " more" : "");
        return result(StepStatus.FAILED, metadata, ErrorInfo.of(ErrorKind.LOCAL, message), first);
    }

    private StepResult result(StepStatus status, Map<String, Object> metadata, @Nullable ErrorInfo error,
            @Nullable Instant startedAt) {
        Duration time = startedAt == null ? Duration.ZERO : execution.elapsed(startedAt);
        return new StepResult(block.id(), block.typeName(), null, null, null, status, null, null, metadata, error, null,
                startedAt, time, 0, null, null, null, false, null, List.of());
    }
}
