package dev.acp.testing;

import dev.acp.error.ProviderException;
import dev.acp.pipeline.Capability;
import dev.acp.provider.Provider;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderFactory;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import java.util.EnumSet;
import java.util.Set;

/** A provider whose behaviour is a lambda, so each engine test states exactly what a call does. */
public final class LambdaProvider implements Provider, ProviderFactory {

    /** What one call does. */
    @FunctionalInterface
    public interface Behaviour {
        ProviderResult call(ProviderRequest request) throws ProviderException, InterruptedException;
    }

    private final String id;
    private final Set<Capability> capabilities;
    private final Behaviour behaviour;
    private final boolean preview;
    private final boolean costsMoney;

    private LambdaProvider(String id, Set<Capability> capabilities, Behaviour behaviour, boolean preview,
            boolean costsMoney) {
        this.id = id;
        this.capabilities = capabilities;
        this.behaviour = behaviour;
        this.preview = preview;
        this.costsMoney = costsMoney;
    }

    private LambdaProvider(String id, Set<Capability> capabilities, Behaviour behaviour, boolean preview) {
        this(id, capabilities, behaviour, preview, !preview);
    }

    /**
     * A provider whose calls cost nothing but whose outputs are real (a server of one's own), for
     * tests of what the engine does with any step: a paid call cut short has an unknown outcome,
     * which is a test of its own.
     */
    public static LambdaProvider free(String id, Behaviour behaviour) {
        return new LambdaProvider(id, EnumSet.allOf(Capability.class), behaviour, false, false);
    }

    public static LambdaProvider of(String id, Behaviour behaviour) {
        return new LambdaProvider(id, EnumSet.allOf(Capability.class), behaviour, false);
    }

    public static LambdaProvider preview(String id, Behaviour behaviour) {
        return new LambdaProvider(id, EnumSet.allOf(Capability.class), behaviour, true);
    }

    public static LambdaProvider limitedTo(String id, Set<Capability> capabilities, Behaviour behaviour) {
        return new LambdaProvider(id, capabilities, behaviour, false);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public boolean preview() {
        return preview;
    }

    @Override
    public boolean costsMoney() {
        return costsMoney;
    }

    @Override
    public Provider create(ProviderContext context) {
        return this;
    }

    @Override
    public ProviderResult execute(ProviderRequest request) throws ProviderException, InterruptedException {
        return behaviour.call(request);
    }
}
