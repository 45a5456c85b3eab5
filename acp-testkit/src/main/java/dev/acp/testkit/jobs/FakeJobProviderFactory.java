package dev.acp.testkit.jobs;

import dev.acp.pipeline.Capability;
import dev.acp.provider.Provider;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderFactory;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * {@code provider: fakejobs}: a paid, asynchronous provider (submit, poll, fetch) whose server is
 * a {@link FakeJobServer} run by a test. The server is named by {@value #BASE_URL_VARIABLE} and
 * the key read from {@value #API_KEY_VARIABLE}; scripting parameters ({@code fake_fail}, ...)
 * written in a step's config reach the server unchanged.
 */
public final class FakeJobProviderFactory implements ProviderFactory {
    public static final String ID = "fakejobs";
    public static final String BASE_URL_VARIABLE = "ACP_FAKEJOBS_BASE_URL";
    public static final String API_KEY_VARIABLE = "FAKEJOBS_API_KEY";
    /**
     * {@code true}: the provider says it bills a job by its running time (as Replicate does), so
     * that an interrupted run cancels its running jobs instead of leaving them to a resume.
     */
    public static final String BILLS_BY_TIME_VARIABLE = "ACP_FAKEJOBS_BILLS_BY_TIME";

    static final Set<Capability> CAPABILITIES = Set.copyOf(EnumSet.of(
            Capability.TEXT_TO_IMAGE,
            Capability.TEXT_TO_SPEECH,
            Capability.TEXT_TO_VIDEO,
            Capability.IMAGE_TO_IMAGE,
            Capability.PROMPT_GENERATION));

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public List<String> credentialVariables() {
        return List.of(API_KEY_VARIABLE);
    }

    /**
     * Never fails: a missing or malformed base URL or key is reported by
     * {@link Provider#check} and by every call, in one line naming the variable.
     */
    @Override
    public Provider create(ProviderContext context) {
        return new FakeJobProvider(context.environment(), context.clock());
    }
}
