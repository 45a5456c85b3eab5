package dev.acp.testing;

import dev.acp.Acp;
import dev.acp.engine.LocalEngine;
import dev.acp.util.RetryPolicy;
import dev.acp.engine.RunControl;
import dev.acp.engine.RunListener;
import dev.acp.engine.RunResult;
import dev.acp.env.Environment;
import dev.acp.plan.ExecutionPlan;
import dev.acp.plan.PlanResult;
import dev.acp.plan.RunSettings;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderFactory;
import dev.acp.provider.ProviderRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Writes pipeline text into a temporary folder and plans or runs it with given providers. */
public final class TestAcp {
    private final Path dir;
    private final Environment env;
    private final Acp acp;
    public final List<Duration> sleeps = new CopyOnWriteArrayList<>();

    public TestAcp(Path dir, ProviderFactory... factories) {
        this(dir, Map.of(), factories);
    }

    public TestAcp(Path dir, Map<String, String> env, ProviderFactory... factories) {
        this(dir, env, Duration.ofSeconds(5), factories);
    }

    /** @param cancelGrace how long an interrupted run waits for steps that ignore the interruption */
    public TestAcp(Path dir, Map<String, String> env, Duration cancelGrace, ProviderFactory... factories) {
        this.dir = dir;
        // ACP_HOME inside the test's folder unless the test names one: never the real ~/.acp.
        Map<String, String> withHome = new java.util.HashMap<>(env);
        withHome.putIfAbsent("ACP_HOME", dir.resolve("acp-home").toString());
        this.env = Environment.of(withHome);
        ProviderContext ctx = ProviderContext.of(this.env, dir.resolve("acp-home"), Clock.systemUTC());
        LocalEngine.Options options = LocalEngine.Options.defaults(this.env)
                .withSleeper(sleeps::add)
                .withRetryPolicy(new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(5)))
                .withCancelGrace(cancelGrace);
        this.acp = Acp.create(this.env, ProviderRegistry.of(ctx, factories), options);
    }

    /** Runs a plan on an engine whose default step timeouts are {@code timeouts}. */
    public RunResult runWith(ExecutionPlan plan, dev.acp.engine.StepTimeouts timeouts) {
        return new LocalEngine(acp.registry(), acp.engineOptions().withTimeouts(timeouts)).run(plan, RunListener.NONE,
                new RunControl());
    }

    public Path dir() {
        return dir;
    }

    public Path write(String name, String text) {
        try {
            Path p = dir.resolve(name);
            Files.createDirectories(p.getParent());
            Files.writeString(p, text);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public PlanResult check(String yaml) {
        return acp.check(write("pipeline.yaml", yaml), RunSettings.check(dir));
    }

    public PlanResult checkForRun(String yaml, RunSettings settings) {
        return acp.check(write("pipeline.yaml", yaml), settings);
    }

    public ExecutionPlan plan(String yaml) {
        return acp.plan(write("pipeline.yaml", yaml), RunSettings.run(dir));
    }

    public ExecutionPlan plan(String yaml, RunSettings settings) {
        return acp.plan(write("pipeline.yaml", yaml), settings);
    }

    public RunResult run(String yaml) {
        return acp.unguardedEngine().run(plan(yaml), RunListener.NONE, new RunControl());
    }

    public RunResult run(ExecutionPlan plan, RunListener listener, RunControl control) {
        return acp.unguardedEngine().run(plan, listener, control);
    }

    public Acp acp() {
        return acp;
    }
}
